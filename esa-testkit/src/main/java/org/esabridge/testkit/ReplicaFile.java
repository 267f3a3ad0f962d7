package org.esabridge.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.esabridge.api.FieldValue;
import org.esabridge.api.xml.ProtocolTime;

/**
 * The replica on disk: {@code replica.tsv} in the state directory, UTF-8, one item per line, tab-separated
 * tokens, written whole to a temporary file and moved into place so a crash never leaves half a replica.
 *
 * <pre>
 * esa-testkit-replica  1  next-local-key
 * S  structure  last-sync            (\N before the first sync)
 * R  id  last-seen  name  value  name  value …             (records of the S line above)
 * E  kind  key  conflict  name  value  name  value …       (host edits; conflict \N when there is none)
 * </pre>
 *
 * Escapes inside a token: {@code \\} backslash, {@code \t} tab, {@code \n} line feed, {@code \r} carriage
 * return; a token that is exactly {@code \N} is null (SQL null / xsi:nil). Timestamps in the protocol's form.
 * Chosen over the protocol's own XML because it is greppable, diffable and needs nothing but the JDK.
 */
public final class ReplicaFile {
    public static final String NAME = "replica.tsv";
    private static final String MAGIC = "esa-testkit-replica";
    private static final String NULL = "\\N";

    private ReplicaFile() {
    }

    /** The replica in {@code dir}, or an empty one when there is none yet. */
    public static Replica load(Path dir) throws IOException {
        Replica replica = new Replica();
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return replica;
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            List<String> head = header == null ? List.of() : split(header);
            if (head.size() < 2 || !head.get(0).equals(MAGIC) || !head.get(1).equals("1")) {
                throw new IOException(file + " is not an esa-testkit replica (version 1)");
            }
            if (head.size() > 2) {
                replica.nextLocalKey(Long.parseLong(head.get(2)));
            }
            Replica.Structure current = null;
            int lineNo = 1;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                List<String> t = split(line);
                try {
                    switch (t.get(0)) {
                        case "S":
                            current = replica.structure(t.get(1));
                            current.lastSync(t.get(2) == null ? null : ProtocolTime.parse(t.get(2)));
                            break;
                        case "R":
                            current.put(new Replica.Stored(t.get(1), t.get(2) == null ? null
                                    : ProtocolTime.parse(t.get(2)), fields(t, 3)));
                            break;
                        case "E":
                            current.putEdit(new Replica.Edit(Replica.EditKind.valueOf(t.get(1)), t.get(2), fields(t, 4),
                                    t.get(3)));
                            break;
                        default:
                            throw new IllegalArgumentException("unknown line type");
                    }
                } catch (RuntimeException e) {
                    throw new IOException(file + " line " + lineNo + " is damaged: " + e.getMessage(), e);
                }
            }
        }
        return replica;
    }

    public static void save(Replica replica, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "replica", ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            line(out, List.of(MAGIC, "1", Long.toString(replica.nextLocalKey())));
            for (Replica.Structure s : replica.structures()) {
                line(out, Arrays.asList("S", s.name(), s.lastSync() == null ? null : ProtocolTime.format(s.lastSync())));
                for (Replica.Stored r : s.records().values()) {
                    List<String> t = new ArrayList<>(Arrays.asList("R", r.id(),
                            r.lastSeen() == null ? null : ProtocolTime.format(r.lastSeen())));
                    addFields(t, r.fields());
                    line(out, t);
                }
                for (Replica.Edit e : s.edits().values()) {
                    List<String> t = new ArrayList<>(Arrays.asList("E", e.kind().name(), e.key(), e.conflict()));
                    addFields(t, e.fields());
                    line(out, t);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<FieldValue> fields(List<String> tokens, int from) {
        List<FieldValue> fields = new ArrayList<>();
        for (int i = from; i + 1 < tokens.size(); i += 2) {
            fields.add(new FieldValue(tokens.get(i), tokens.get(i + 1)));
        }
        return fields;
    }

    private static void addFields(List<String> tokens, List<FieldValue> fields) {
        for (FieldValue f : fields) {
            tokens.add(f.name());
            tokens.add(f.text());
        }
    }

    private static void line(BufferedWriter out, List<String> tokens) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            if (i > 0) {
                line.append('\t');
            }
            String token = tokens.get(i);
            if (token == null) {
                line.append(NULL);
                continue;
            }
            for (int k = 0; k < token.length(); k++) {
                char c = token.charAt(k);
                switch (c) {
                    case '\\':
                        line.append("\\\\");
                        break;
                    case '\t':
                        line.append("\\t");
                        break;
                    case '\n':
                        line.append("\\n");
                        break;
                    case '\r':
                        line.append("\\r");
                        break;
                    default:
                        line.append(c);
                }
            }
        }
        out.write(line.toString());
        out.write('\n');
    }

    /** Splits a line into tokens, undoing the escapes; {@code \N} alone becomes null. */
    static List<String> split(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        boolean isNull = false;
        for (int i = 0; i <= line.length(); i++) {
            if (i == line.length() || line.charAt(i) == '\t') {
                tokens.add(isNull ? null : token.toString());
                token.setLength(0);
                isNull = false;
                continue;
            }
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                switch (e) {
                    case 't':
                        token.append('\t');
                        break;
                    case 'n':
                        token.append('\n');
                        break;
                    case 'r':
                        token.append('\r');
                        break;
                    case 'N':
                        isNull = token.length() == 0 && (i + 1 == line.length() || line.charAt(i + 1) == '\t');
                        if (!isNull) {
                            throw new IllegalArgumentException("\\N inside a token");
                        }
                        break;
                    default:
                        token.append(e);
                }
            } else {
                token.append(c);
            }
        }
        return tokens;
    }
}
