/** JUnit 5 extensions that start real servers on loopback, on free ports, for tests. */
package io.gatehouse.testkit;
