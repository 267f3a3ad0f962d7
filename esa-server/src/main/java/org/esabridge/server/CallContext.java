package org.esabridge.server;

import org.esabridge.api.Session;

/**
 * Who made a call and how to name it in the audit log.
 *
 * @param session the authenticated caller
 * @param callId  the call-id of the request
 * @param remote  the caller's IP address
 */
record CallContext(Session session, String callId, String remote) {
}
