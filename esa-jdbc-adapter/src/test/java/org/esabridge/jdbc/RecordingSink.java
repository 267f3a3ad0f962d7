package org.esabridge.jdbc;

import java.util.ArrayList;
import java.util.List;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.ResultSink;

/** Captures what a streaming call emits. */
final class RecordingSink implements ResultSink {
    final List<ExternalRecord> records = new ArrayList<>();
    final List<String> ids = new ArrayList<>();

    @Override
    public void record(ExternalRecord record) {
        records.add(record);
    }

    @Override
    public void id(String id) {
        ids.add(id);
    }
}
