/** Implementation details of the audit module; not API. */
package io.gatehouse.audit.internal;
