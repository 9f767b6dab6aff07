/** The gateway process: listeners, authentication, recorder and the REST API. */
package io.gatehouse.gateway;
