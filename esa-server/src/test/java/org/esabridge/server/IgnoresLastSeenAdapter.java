package org.esabridge.server;

import java.time.Instant;
import org.esabridge.api.EsaException;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ExternalSystemAdapter;
import org.esabridge.api.ForwardingExternalSystemAdapter;
import org.esabridge.api.Session;

/**
 * A deliberately broken ESA for the conformance check: a real adapter whose update and delete ignore the
 * host's last-seen (they pass the stored modified-at instead), the classic lost-update bug.
 */
final class IgnoresLastSeenAdapter extends ForwardingExternalSystemAdapter {

    IgnoresLastSeenAdapter(ExternalSystemAdapter real) {
        super(real);
    }

    @Override
    public Instant update(Session session, String structure, Instant lastSeen, ExternalRecord record)
            throws EsaException {
        return super.update(session, structure, read(structure, record.id()).modifiedAt(), record);
    }

    @Override
    public void delete(Session session, String structure, Instant lastSeen, String id) throws EsaException {
        super.delete(session, structure, read(structure, id).modifiedAt(), id);
    }
}
