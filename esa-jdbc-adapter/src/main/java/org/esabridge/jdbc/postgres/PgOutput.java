package org.esabridge.jdbc.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's {@code pgoutput} logical decoding messages, protocol version 1 (PostgreSQL 10+; messages need 14+), as
 * the replication stream delivers them: one message per buffer, decoded into the few records the log reader acts on.
 * Values arrive in their type's text form ({@code binary} is not asked for); a column whose TOASTed value did not
 * change is {@link #UNCHANGED}. Message types this reader does not need (Type, Origin, the streaming and two-phase
 * messages, which are only sent when asked for) decode to {@link Other}.
 *
 * <p>Decoded here rather than by Debezium's {@code PgOutputMessageDecoder}: that class works on Debezium's own
 * type registry, connection and Kafka Connect schema types ({@code debezium-core}, {@code connect-api},
 * {@code protobuf-java}), for a format of a dozen fixed records (PostgreSQL's documentation, "Logical Replication
 * Message Formats").
 */
final class PgOutput {
    /** A column value that is an unchanged TOASTed value (not sent). */
    static final String UNCHANGED = new String("unchanged toast");

    private PgOutput() {
    }

    interface Message {
    }

    /** A transaction starts; {@code finalLsn} is its commit record's LSN. */
    record Begin(long finalLsn, long commitMicros, int xid) implements Message {
    }

    /** A transaction ends; {@code endLsn} is the end of its commit record (where a reader resumes). */
    record Commit(long commitLsn, long endLsn, long commitMicros) implements Message {
    }

    /** A column of a relation as pgoutput describes it. */
    record RelationColumn(boolean key, String name, int typeOid, int typmod) {
    }

    /** A table's layout, sent before its first change in a session and after each change of its definition. */
    record Relation(int id, String namespace, String name, char replicaIdentity, List<RelationColumn> columns)
            implements Message {
    }

    record Insert(int relation, List<String> row) implements Message {
    }

    /** {@code old} is the old key ('K') or whole old row ('O'), present only when the key changed or identity is FULL. */
    record Update(int relation, List<String> old, boolean oldIsKeyOnly, List<String> row) implements Message {
    }

    /** {@code old}: the key ('K') or, with REPLICA IDENTITY FULL, the whole row ('O'). */
    record Delete(int relation, List<String> old, boolean oldIsKeyOnly) implements Message {
    }

    record Truncate(List<Integer> relations) implements Message {
    }

    /** {@code pg_logical_emit_message}: the heartbeat's. */
    record LogicalMessage(boolean transactional, long lsn, String prefix) implements Message {
    }

    record Other(char type) implements Message {
    }

    /** Decodes one message. */
    static Message decode(ByteBuffer b) {
        char type = (char) b.get();
        return switch (type) {
            case 'B' -> new Begin(b.getLong(), b.getLong(), b.getInt());
            case 'C' -> {
                b.get(); // flags, unused
                yield new Commit(b.getLong(), b.getLong(), b.getLong());
            }
            case 'R' -> relation(b);
            case 'I' -> {
                int rel = b.getInt();
                expect(b, 'N');
                yield new Insert(rel, tuple(b));
            }
            case 'U' -> {
                int rel = b.getInt();
                char kind = (char) b.get();
                List<String> old = null;
                boolean keyOnly = false;
                if (kind == 'K' || kind == 'O') {
                    keyOnly = kind == 'K';
                    old = tuple(b);
                    kind = (char) b.get();
                }
                if (kind != 'N') {
                    throw new IllegalArgumentException("pgoutput update: expected 'N', got '" + kind + "'");
                }
                yield new Update(rel, old, keyOnly, tuple(b));
            }
            case 'D' -> {
                int rel = b.getInt();
                char kind = (char) b.get();
                if (kind != 'K' && kind != 'O') {
                    throw new IllegalArgumentException("pgoutput delete: expected 'K' or 'O', got '" + kind + "'");
                }
                yield new Delete(rel, tuple(b), kind == 'K');
            }
            case 'T' -> {
                int n = b.getInt();
                b.get(); // options: CASCADE, RESTART IDENTITY
                List<Integer> rels = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    rels.add(b.getInt());
                }
                yield new Truncate(rels);
            }
            case 'M' -> {
                boolean transactional = (b.get() & 1) != 0;
                long lsn = b.getLong();
                yield new LogicalMessage(transactional, lsn, string(b));
            }
            default -> new Other(type);
        };
    }

    private static Relation relation(ByteBuffer b) {
        int id = b.getInt();
        String namespace = string(b);
        String name = string(b);
        char identity = (char) b.get();
        int n = b.getShort();
        List<RelationColumn> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean key = (b.get() & 1) != 0;
            columns.add(new RelationColumn(key, string(b), b.getInt(), b.getInt()));
        }
        return new Relation(id, namespace, name, identity, columns);
    }

    /** TupleData: values in column order; null for SQL NULL, {@link #UNCHANGED} for an unchanged TOASTed value. */
    private static List<String> tuple(ByteBuffer b) {
        int n = b.getShort();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            char kind = (char) b.get();
            switch (kind) {
                case 'n' -> values.add(null);
                case 'u' -> values.add(UNCHANGED);
                case 't' -> {
                    byte[] bytes = new byte[b.getInt()];
                    b.get(bytes);
                    values.add(new String(bytes, StandardCharsets.UTF_8));
                }
                default -> throw new IllegalArgumentException("pgoutput tuple: unknown column kind '" + kind + "'");
            }
        }
        return values;
    }

    private static void expect(ByteBuffer b, char c) {
        char got = (char) b.get();
        if (got != c) {
            throw new IllegalArgumentException("pgoutput: expected '" + c + "', got '" + got + "'");
        }
    }

    private static String string(ByteBuffer b) {
        int start = b.position();
        int end = start;
        while (b.get(end) != 0) {
            end++;
        }
        String s = new String(b.array(), b.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        b.position(end + 1);
        return s;
    }
}
