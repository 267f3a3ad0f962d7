package org.esabridge.jdbc;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.esabridge.api.config.Setting;
import org.esabridge.api.config.SettingType;
import org.esabridge.api.config.UrlCredentials;
import org.esabridge.api.helper.HelperApiConfig;
import org.esabridge.jdbc.dialect.Engines;

/**
 * The configuration of the JDBC adapter: immutable, validated eagerly, every problem reported with the
 * offending key's name.
 *
 * <p>Every key this module reads is declared once below as a {@link Setting} (name, parser, default, secret,
 * command-line option or not, one-line doc), in the manner of Kafka Connect/Debezium: {@link #settings()}
 * feeds the README table, {@code --help} and the server's start-up log, and
 * {@link #isKnownKey} lets the server route keys. Keys are flat, as in a properties file. Per-structure keys
 * are {@code structure.<table>.<name>}; the table name may itself contain dots.
 *
 * <p>{@link #fromSettings} ignores keys owned by other modules (the server's {@code port}, {@code tls.*} …)
 * but refuses unknown keys under this module's own prefixes ({@code jdbc-}, {@code structure.},
 * {@code structures.}), where an unknown key is almost certainly a typo.
 */
public final class JdbcAdapterConfig {

    public static final String JDBC_URL = "jdbc-url";
    public static final String JDBC_USER = "jdbc-user";
    public static final String JDBC_PASSWORD = "jdbc-password";
    public static final String DEMO = "demo";
    public static final String DATABASE = "database";
    public static final String STATE_SCHEMA = "state-schema";
    public static final String STRUCTURES_INCLUDE = "structures.include";
    public static final String STRUCTURES_EXCLUDE = "structures.exclude";
    public static final String PAGE_SIZE = "page-size";
    public static final String INLINE_THRESHOLD = "inline-threshold";
    public static final String TOMBSTONE_RETENTION_DAYS = "tombstone-retention-days";
    public static final String POOL_SIZE = "pool-size";
    public static final String QUERY_TIMEOUT_SECONDS = "query-timeout-seconds";
    public static final String CURSOR_TIMEOUT_MINUTES = "cursor-timeout-minutes";
    public static final String MAX_OPEN_CURSORS = "max-open-cursors";
    public static final String WATERMARK_FALLBACK_LAG_SECONDS = "watermark-fallback-lag-seconds";
    public static final String HELPER_URL = "helper-url";
    public static final String HELPER_USER = "helper-user";
    public static final String HELPER_PASSWORD = "helper-password";
    public static final String HELPER_TOKEN = "helper-token";
    public static final String HELPER_TRUST_STORE = "helper-trust-store";
    public static final String HELPER_TRUST_STORE_PASSWORD = "helper-trust-store-password";
    public static final String HELPER_TIMEOUT_SECONDS = "helper-timeout-seconds";
    public static final String HELPER_FLUSH_WAIT_MILLIS = "helper-flush-wait-millis";
    public static final String NOTIFY_INTERVAL_SECONDS = "notify-interval-seconds";
    public static final String CHANGE_CAPTURE = "change-capture";
    public static final String CAPTURE_FENCE_TIMEOUT_SECONDS = "capture-fence-timeout-seconds";
    public static final String CAPTURE_MAX_LAG_SECONDS = "capture-max-lag-seconds";
    public static final String CAPTURE_LEASE_SECONDS = "capture-lease-seconds";
    public static final String EMBEDDED_BINLOG_RETENTION_DAYS = "embedded-binlog-retention-days";
    public static final String CAPTURE_SLOT = "capture-slot";
    public static final String CAPTURE_PUBLICATION = "capture-publication";
    public static final String CAPTURE_HEARTBEAT_SECONDS = "capture-heartbeat-seconds";
    /**
     * Declared by the server (its {@code external-system-id}), read here too: the Helper API sends the same id
     * the server accepts, so one key names it.
     */
    public static final String EXTERNAL_SYSTEM_ID = "external-system-id";

    private static final String STRUCTURE_PREFIX = "structure.";

    private static final SettingType<String> TEXT = SettingType.TEXT;
    private static final SettingType<List<String>> GLOBS = new SettingType<>("GLOBS", JdbcAdapterConfig::globs);
    private static final SettingType<List<String>> COLUMNS =
            new SettingType<>("COLUMNS", JdbcAdapterConfig::columnList);

    private static final List<Setting<?>> SETTINGS = List.of(
            Setting.option(JDBC_URL, new SettingType<>("URL", JdbcAdapterConfig::jdbcUrl), "",
                    "JDBC URL of an existing " + Engines.urlTemplates() + "; empty starts the embedded "
                            + Engines.embeddedName()),
            Setting.option(JDBC_USER, TEXT, "",
                    "database user for jdbc-url (the embedded " + Engines.embeddedName()
                            + " has its own generated account, see Security)"),
            Setting.option(JDBC_PASSWORD, TEXT, "", "database password for jdbc-url").asSecret(),
            Setting.option(DEMO, SettingType.BOOLEAN, "false",
                    "create the demo schema (customers, products, orders) on first start, writable"),
            Setting.key(DATABASE, new SettingType<>("NAME", JdbcAdapterConfig::schemaName), "esa",
                    "schema name in the embedded " + Engines.embeddedName()),
            Setting.key(STATE_SCHEMA, new SettingType<>("NAME", JdbcAdapterConfig::optionalSchemaName), "",
                    "schema of the adapter's own esa_ tables (empty: " + Engines.stateSchemaDefaults() + ")"),
            Setting.key(STRUCTURES_INCLUDE, GLOBS, "*",
                    "comma-separated glob patterns (* and ?) of table names to expose"),
            Setting.key(STRUCTURES_EXCLUDE, GLOBS, "",
                    "comma-separated glob patterns of table names never to expose (esa_* never are)"),
            Setting.key(PAGE_SIZE, range(100, 10_000), "5000", "entries per cursor page, 100..10000"),
            Setting.key(INLINE_THRESHOLD, range(0, 1_000_000), "1000",
                    "getModified/getDeleted answer inline up to this many entries, else NULL (use paging)"),
            Setting.key(TOMBSTONE_RETENTION_DAYS, range(30, 36_500), "30",
                    "days tombstones are kept (>= 30); an older getDeleted 'after' is refused"),
            Setting.key(POOL_SIZE, range(1, 1000), "10", "maximum database connections"),
            Setting.key(QUERY_TIMEOUT_SECONDS, range(1, 86_400), "30", "time limit of one SQL statement, seconds"),
            Setting.key(CURSOR_TIMEOUT_MINUTES, range(1, 1440), "30",
                    "a cursor not read or leased for this many minutes expires (renewals are written at most every tenth of it, or every minute)"),
            Setting.key(MAX_OPEN_CURSORS, range(1, 100_000), "100",
                    "open cursors allowed per principal; one more is refused TOO_LARGE (close or release them)"),
            Setting.key(WATERMARK_FALLBACK_LAG_SECONDS, range(1, 86_400), "300",
                    "without the PROCESS privilege, changes are re-read this far back (longest expected transaction)"),
            Setting.key(HELPER_URL, new SettingType<>("URL", JdbcAdapterConfig::helperUrl), "",
                    "the sync host's Helper API URL (https); empty: no calls to the host (needs external-system-id)"),
            Setting.key(HELPER_USER, TEXT, "", "Basic user for helper-url (empty: none)"),
            Setting.key(HELPER_PASSWORD, TEXT, "", "Basic password for helper-url").asSecret(),
            Setting.key(HELPER_TOKEN, TEXT, "", "bearer token for helper-url, instead of user/password").asSecret(),
            Setting.key(HELPER_TRUST_STORE, new SettingType<>("PATH", String::trim), "",
                    "PKCS12 file of the certificates to trust for helper-url (empty: the JDK's trusted roots)"),
            Setting.key(HELPER_TRUST_STORE_PASSWORD, TEXT, "", "password of helper-trust-store").asSecret(),
            Setting.key(HELPER_TIMEOUT_SECONDS, range(1, 3600), "30",
                    "time allowed per Helper API request, seconds (connect: at most 5)"),
            Setting.key(HELPER_FLUSH_WAIT_MILLIS, range(0, 60_000), "2000",
                    "longest wait of an incoming call for pending deletion reports to reach the host, ms; then the "
                            + "call proceeds and the reports go on being sent in the background"),
            Setting.key(NOTIFY_INTERVAL_SECONDS, range(0, 86_400), "0",
                    "poll the structures this often and ask the host (startSync) to sync on a change; 0 = off"),
            Setting.key(CHANGE_CAPTURE, new SettingType<>("MODE", ChangeCapture::parse), "auto",
                    "auto | log | polling: log reads changes in commit order from the database's own log (a binary"
                            + " log, or logical decoding through a slot; exact); binlog is another name for log;"
                            + " auto uses it when the server and the account allow, else polling (see docs/capture-modes.md)"),
            Setting.key(CAPTURE_FENCE_TIMEOUT_SECONDS, range(1, 3600), "10",
                    "binlog mode: getCurrentTime waits this long for a stuck reader to pass its fence, then answers"
                            + " DATABASE_UNAVAILABLE; while a takeover or catch-up is under way, up to twice this plus"
                            + " capture-lease-seconds"),
            Setting.key(CAPTURE_MAX_LAG_SECONDS, range(1, 86_400), "60",
                    "binlog mode: /ready fails while the reader is further behind the binary log than this"),
            Setting.key(CAPTURE_LEASE_SECONDS, range(2, 600), "10",
                    "binlog mode: one node reads the binary log; when it dies another takes over as soon as its"
                            + " replication connection is gone (seen with the same account or PROCESS), else after this"
                            + " many seconds"),
            Setting.key(EMBEDDED_BINLOG_RETENTION_DAYS, range(1, 365), "7",
                    "days the embedded " + Engines.embeddedName()
                            + " keeps its binary log (a reader stopped longer records a gap)"),
            Setting.key(CAPTURE_SLOT, new SettingType<>("NAME", JdbcAdapterConfig::slotName), "",
                    "log mode through a slot: the logical replication slot esa-bridge creates and reads (names are per"
                            + " server; empty: esa_bridge_<database>); another node takes over as soon as it has no reader"),
            Setting.key(CAPTURE_PUBLICATION, new SettingType<>("NAME", JdbcAdapterConfig::slotName), "esa_bridge",
                    "log mode through a slot: the publication esa-bridge creates over the served tables"),
            Setting.key(CAPTURE_HEARTBEAT_SECONDS, range(1, 3600), "10",
                    "log mode through a slot: with nothing of ours to read for this long, a logical message moves the slot on"));

    /** Per-structure settings, {@code structure.<table>.<suffix>}. */
    private static final List<Setting<?>> STRUCTURE_SETTINGS = List.of(
            structureKey("label", TEXT, "<table>", "human label of the structure"),
            structureKey("id-columns", COLUMNS, "primary key", "comma-separated id columns (a unique key), in order;"
                    + " without a primary key, the unique key over NOT NULL columns with the fewest columns"),
            structureKey("modified-column", new SettingType<>("COLUMN", JdbcAdapterConfig::identifier), "detected",
                    "modification timestamp column (detected: TIMESTAMP/DATETIME ON UPDATE CURRENT_TIMESTAMP)"),
            structureKey("writable", SettingType.BOOLEAN, "false", "allow create/update/delete"),
            structureKey("read-only-columns", COLUMNS, "", "comma-separated columns that writes may not set"),
            structureKey("boolean-columns", COLUMNS, "",
                    "comma-separated TINYINT columns sent as BOOLEAN (true/false); unlisted TINYINT(1)/BOOLEAN columns"
                            + " are INTEGER, as they may hold -128..127"),
            structureKey("delete-strategy", new SettingType<>("STRATEGY", DeleteStrategy::parse), "tombstone",
                    "tombstone (trigger-written) | soft-delete:<column> | helper (ids the host knows, via helper-url) | none"),
            structureKey("change-tracking", new SettingType<>("TRACKING", JdbcAdapterConfig::changeTracking), "column",
                    "column | version-table (adapter-managed, for tables without a modification column; in log"
                            + " capture such a table is served without one, stamped by the change index)"),
            structureKey("modified-zone", new SettingType<>("ZONE", JdbcAdapterConfig::zone), "database",
                    "zone of a DATETIME modification column's values (Europe/Berlin, +02:00; database: the database's"
                            + " global time_zone); TIMESTAMP columns are unaffected"));

    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private final boolean demo;
    private final String database;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final int pageSize;
    private final int inlineThreshold;
    private final int tombstoneRetentionDays;
    private final String stateSchema;
    private final int poolSize;
    private final int queryTimeoutSeconds;
    private final int cursorTimeoutMinutes;
    private final int maxOpenCursors;
    private final int watermarkFallbackLagSeconds;
    private final Map<String, StructureSettings> structures;
    private final Path dataDir;
    private final HelperApiConfig helper;
    private final int notifyIntervalSeconds;
    private final int helperFlushWaitMillis;
    private final ChangeCapture changeCapture;
    private final int captureFenceTimeoutSeconds;
    private final int captureMaxLagSeconds;
    private final int captureLeaseSeconds;
    private final int embeddedBinlogRetentionDays;
    private final String captureSlot;
    private final String capturePublication;
    private final int captureHeartbeatSeconds;

    /** The {@value #CHANGE_CAPTURE} setting: how changes are found. */
    public enum ChangeCapture {
        /** Binlog when the server and the account allow it, else polling (said at start). */
        AUTO,
        /** The database's own log ({@code log}, or {@code binlog}), or refuse to start. */
        BINLOG,
        /** The modification column and the watermark. */
        POLLING;

        static ChangeCapture parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> AUTO;
                case "binlog", "log" -> BINLOG;
                case "polling" -> POLLING;
                default -> throw new IllegalArgumentException("expected auto, log (or binlog) or polling");
            };
        }
    }

    private JdbcAdapterConfig(Map<String, Object> global, Map<String, StructureSettings> structures, Path dataDir) {
        String url = (String) global.get(JDBC_URL);
        this.jdbcUrl = url.isEmpty() ? null : url;
        this.jdbcUser = (String) global.get(JDBC_USER);
        this.jdbcPassword = (String) global.get(JDBC_PASSWORD);
        this.demo = (Boolean) global.get(DEMO);
        this.database = (String) global.get(DATABASE);
        this.stateSchema = (String) global.get(STATE_SCHEMA);
        this.include = globList(global.get(STRUCTURES_INCLUDE));
        this.exclude = globList(global.get(STRUCTURES_EXCLUDE));
        this.pageSize = (Integer) global.get(PAGE_SIZE);
        this.inlineThreshold = (Integer) global.get(INLINE_THRESHOLD);
        this.tombstoneRetentionDays = (Integer) global.get(TOMBSTONE_RETENTION_DAYS);
        this.poolSize = (Integer) global.get(POOL_SIZE);
        this.queryTimeoutSeconds = (Integer) global.get(QUERY_TIMEOUT_SECONDS);
        this.cursorTimeoutMinutes = (Integer) global.get(CURSOR_TIMEOUT_MINUTES);
        this.maxOpenCursors = (Integer) global.get(MAX_OPEN_CURSORS);
        this.watermarkFallbackLagSeconds = (Integer) global.get(WATERMARK_FALLBACK_LAG_SECONDS);
        this.structures = Map.copyOf(structures);
        this.dataDir = dataDir;
        this.helper = helperConfig(global);
        this.notifyIntervalSeconds = (Integer) global.get(NOTIFY_INTERVAL_SECONDS);
        this.helperFlushWaitMillis = (Integer) global.get(HELPER_FLUSH_WAIT_MILLIS);
        this.changeCapture = (ChangeCapture) global.get(CHANGE_CAPTURE);
        this.captureFenceTimeoutSeconds = (Integer) global.get(CAPTURE_FENCE_TIMEOUT_SECONDS);
        this.captureMaxLagSeconds = (Integer) global.get(CAPTURE_MAX_LAG_SECONDS);
        this.captureLeaseSeconds = (Integer) global.get(CAPTURE_LEASE_SECONDS);
        this.embeddedBinlogRetentionDays = (Integer) global.get(EMBEDDED_BINLOG_RETENTION_DAYS);
        this.captureSlot = (String) global.get(CAPTURE_SLOT);
        this.capturePublication = (String) global.get(CAPTURE_PUBLICATION);
        this.captureHeartbeatSeconds = (Integer) global.get(CAPTURE_HEARTBEAT_SECONDS);
    }

    private static HelperApiConfig helperConfig(Map<String, Object> global) {
        String url = (String) global.get(HELPER_URL);
        if (url.isEmpty()) {
            return null;
        }
        HelperApiConfig.Builder b = HelperApiConfig.builder(URI.create(url), (String) global.get(EXTERNAL_SYSTEM_ID))
                .requestTimeout(Duration.ofSeconds((Integer) global.get(HELPER_TIMEOUT_SECONDS)));
        String trustStore = (String) global.get(HELPER_TRUST_STORE);
        if (!trustStore.isEmpty()) {
            b.trustStore(Path.of(trustStore), (String) global.get(HELPER_TRUST_STORE_PASSWORD));
        }
        String token = (String) global.get(HELPER_TOKEN);
        String user = (String) global.get(HELPER_USER);
        try {
            if (!token.isEmpty()) {
                b.bearerToken(token);
            } else if (!user.isEmpty()) {
                b.basicAuth(user, (String) global.get(HELPER_PASSWORD));
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting '" + (token.isEmpty() ? HELPER_USER : HELPER_TOKEN) + "': "
                    + e.getMessage().replace("credentials ", ""), e);
        }
    }

    /**
     * Reads and validates the settings.
     *
     * @param settings flat key/value pairs; keys of other modules are ignored
     * @param dataDir  where the embedded database keeps its data (in a directory of the engine's under it); may be null when
     *                 {@code jdbc-url} is given
     * @throws IllegalArgumentException naming the offending key
     */
    public static JdbcAdapterConfig fromSettings(Map<String, String> settings, Path dataDir) {
        Objects.requireNonNull(settings, "settings == null");
        Map<String, Object> global = new HashMap<>();
        for (Setting<?> s : SETTINGS) {
            String raw = settings.get(s.name());
            global.put(s.name(), parse(s.name(), raw == null ? s.defaultValue() : raw, s));
        }
        Map<String, Map<String, Object>> perTable = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String key = e.getKey();
            if (globalSetting(key).isPresent()) {
                continue;
            }
            Optional<String[]> split = splitStructureKey(key);
            if (split.isPresent()) {
                String table = split.get()[0];
                String suffix = split.get()[1];
                perTable.computeIfAbsent(table, t -> new HashMap<>()).put(suffix,
                        parse(key, e.getValue() == null ? "" : e.getValue(), structureSetting(suffix).orElseThrow()));
            } else if (key.startsWith("jdbc-") || key.startsWith("helper-") || key.startsWith(STRUCTURE_PREFIX)
                    || key.startsWith("structures.")) {
                throw new IllegalArgumentException("unknown setting '" + key + "'");
            }
        }
        Map<String, StructureSettings> structures = new HashMap<>();
        perTable.forEach((table, values) -> structures.put(table, structureSettings(table, values)));
        if (((String) global.get(JDBC_URL)).isEmpty() && dataDir == null) {
            throw new IllegalArgumentException("'" + JDBC_URL + "' is empty, so the embedded " + Engines.embeddedName() + " needs a data directory");
        }
        String externalSystemId = settings.get(EXTERNAL_SYSTEM_ID);
        if (!((String) global.get(HELPER_URL)).isEmpty() && (externalSystemId == null || externalSystemId.isBlank())) {
            throw new IllegalArgumentException("'" + HELPER_URL + "' is set, so '" + EXTERNAL_SYSTEM_ID
                    + "' is needed: the Helper API sends it with every call");
        }
        if (!((String) global.get(HELPER_TOKEN)).isEmpty() && !((String) global.get(HELPER_USER)).isEmpty()) {
            throw new IllegalArgumentException("'" + HELPER_TOKEN + "' and '" + HELPER_USER + "' exclude each other");
        }
        if (((Integer) global.get(NOTIFY_INTERVAL_SECONDS)) > 0 && ((String) global.get(HELPER_URL)).isEmpty()) {
            throw new IllegalArgumentException("'" + NOTIFY_INTERVAL_SECONDS + "' needs '" + HELPER_URL + "'");
        }
        global.put(EXTERNAL_SYSTEM_ID, externalSystemId == null ? null : externalSystemId.trim());
        return new JdbcAdapterConfig(global, structures, dataDir == null ? null : dataDir.toAbsolutePath().normalize());
    }

    /**
     * Every key this module reads, per-structure keys named {@code structure.<table>.<suffix>}, in declaration
     * order: for README's table, {@code --help} (those that are options) and the start-up log.
     */
    public static List<Setting<?>> settings() {
        List<Setting<?>> all = new ArrayList<>(SETTINGS);
        all.addAll(STRUCTURE_SETTINGS);
        return List.copyOf(all);
    }

    /** Whether this module reads the key, including per-structure keys like {@code structure.orders.writable}. */
    public static boolean isKnownKey(String key) {
        return key != null && (globalSetting(key).isPresent() || splitStructureKey(key).isPresent());
    }

    /** Parses a value the sync host stores for a setting it manages, with the file's rules and ranges. */
    static int parseHostManaged(String key, String raw) {
        return (Integer) globalSetting(key).orElseThrow().parse(raw);
    }

    private static Optional<Setting<?>> globalSetting(String key) {
        return SETTINGS.stream().filter(s -> s.name().equals(key)).findFirst();
    }

    private static Optional<Setting<?>> structureSetting(String suffix) {
        return STRUCTURE_SETTINGS.stream().filter(s -> s.name().equals(STRUCTURE_PREFIX + "<table>." + suffix))
                .findFirst();
    }

    private static <T> Setting<T> structureKey(String suffix, SettingType<T> type, String defaultValue, String doc) {
        return Setting.key(STRUCTURE_PREFIX + "<table>." + suffix, type, defaultValue, doc);
    }

    /** {@code structure.a.b.writable} → {@code [a.b, writable]}, when the suffix is a known one. */
    private static Optional<String[]> splitStructureKey(String key) {
        if (!key.startsWith(STRUCTURE_PREFIX)) {
            return Optional.empty();
        }
        int dot = key.lastIndexOf('.');
        if (dot <= STRUCTURE_PREFIX.length()) {
            return Optional.empty();
        }
        String table = key.substring(STRUCTURE_PREFIX.length(), dot);
        String suffix = key.substring(dot + 1);
        return structureSetting(suffix).isPresent() ? Optional.of(new String[] {table, suffix}) : Optional.empty();
    }

    private static Object parse(String key, String raw, Setting<?> setting) {
        try {
            return setting.parse(raw);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("setting '" + key + "': " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static StructureSettings structureSettings(String table, Map<String, Object> v) {
        StructureSettings d = StructureSettings.DEFAULT;
        StructureSettings s = new StructureSettings(
                (String) v.getOrDefault("label", d.label()),
                (List<String>) v.getOrDefault("id-columns", d.idColumns()),
                (String) v.getOrDefault("modified-column", d.modifiedColumn()),
                (Boolean) v.getOrDefault("writable", d.writable()),
                new LinkedHashSet<>((List<String>) v.getOrDefault("read-only-columns", List.of())),
                (DeleteStrategy) v.getOrDefault("delete-strategy", d.deleteStrategy()),
                (StructureSettings.ChangeTracking) v.getOrDefault("change-tracking", d.changeTracking()),
                (java.time.ZoneId) v.getOrDefault("modified-zone", d.modifiedZone()),
                new LinkedHashSet<>((List<String>) v.getOrDefault("boolean-columns", List.of())));
        if (s.changeTracking() == StructureSettings.ChangeTracking.VERSION_TABLE && s.modifiedColumn() != null) {
            throw new IllegalArgumentException("setting 'structure." + table
                    + ".change-tracking': version-table and a modified-column exclude each other");
        }
        return s;
    }

    // --- validators: return the parsed value or throw with a reason (the caller adds the key) ---

    private static String jdbcUrl(String s) {
        String t = s.trim();
        if (!t.isEmpty()) {
            Engines.forUrl(t); // refuses a URL no engine serves, naming the forms that are
        }
        return t;
    }

    private static String helperUrl(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return t;
        }
        try {
            // HelperApiConfig's own checks (scheme, host, no user info) with their reasons.
            HelperApiConfig.builder(URI.create(t), "check").build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("url") ? "expected an https URL without user info"
                    : e.getMessage());
        }
        return t;
    }

    private static SettingType<Integer> range(int min, int max) {
        return new SettingType<>("N", s -> intIn(s, min, max));
    }

    private static Integer intIn(String s, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an integer, got '" + s + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("expected " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");

    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{0,63}");

    /** A replication slot's name rule (lower-case letters, digits, underscores), used for the publication too. */
    private static String slotName(String s) {
        String t = s.trim();
        if (!SLOT_NAME.matcher(t).matches()) {
            throw new IllegalArgumentException("expected up to 63 lower-case letters, digits or underscores");
        }
        return t;
    }

    private static String schemaName(String s) {
        String t = s.trim();
        if (!SCHEMA_NAME.matcher(t).matches()) {
            throw new IllegalArgumentException("expected 1..64 letters, digits or underscores");
        }
        return t;
    }

    private static String optionalSchemaName(String s) {
        return s.isBlank() ? "" : schemaName(s);
    }

    private static String identifier(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > 64) {
            throw new IllegalArgumentException("expected a column name");
        }
        return t;
    }

    private static List<String> columnList(String s) {
        List<String> cols = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                cols.add(identifier(part));
            }
        }
        return List.copyOf(cols);
    }

    private static List<String> globs(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String t = part.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    private static java.time.ZoneId zone(String s) {
        try {
            return java.time.ZoneId.of(s.trim());
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("expected a zone such as Europe/Berlin, UTC or +02:00");
        }
    }

    private static StructureSettings.ChangeTracking changeTracking(String s) {
        return switch (s.trim()) {
            case "column" -> StructureSettings.ChangeTracking.COLUMN;
            case "version-table" -> StructureSettings.ChangeTracking.VERSION_TABLE;
            default -> throw new IllegalArgumentException("expected column or version-table");
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Pattern> globList(Object globs) {
        List<Pattern> out = new ArrayList<>();
        for (String g : (List<String>) globs) {
            StringBuilder re = new StringBuilder();
            for (char c : g.toCharArray()) {
                switch (c) {
                    case '*' -> re.append(".*");
                    case '?' -> re.append('.');
                    default -> re.append(Pattern.quote(String.valueOf(c)));
                }
            }
            out.add(Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE));
        }
        return List.copyOf(out);
    }

    // --- accessors ---

    /** The JDBC URL of an existing database, or null for the embedded database. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String jdbcUser() {
        return jdbcUser;
    }

    public String jdbcPassword() {
        return jdbcPassword;
    }

    public boolean demo() {
        return demo;
    }

    /** The schema of the embedded database. */
    public String database() {
        return database;
    }

    /**
     * The schema of the adapter's own {@code esa_} tables, or empty for the engine's default
     * ({@link org.esabridge.jdbc.dialect.Dialect#defaultStateSchema}; the application's schema is the default of
     * every install before the setting).
     */
    public String stateSchema() {
        return stateSchema;
    }

    /** Where the embedded database keeps its files, or null when {@code jdbc-url} is given. */
    public Path dataDir() {
        return dataDir;
    }

    public int pageSize() {
        return pageSize;
    }

    public int inlineThreshold() {
        return inlineThreshold;
    }

    public int tombstoneRetentionDays() {
        return tombstoneRetentionDays;
    }

    public int poolSize() {
        return poolSize;
    }

    public int queryTimeoutSeconds() {
        return queryTimeoutSeconds;
    }

    public int cursorTimeoutMinutes() {
        return cursorTimeoutMinutes;
    }

    /** Open cursors one principal may hold at once. */
    public int maxOpenCursors() {
        return maxOpenCursors;
    }

    public int watermarkFallbackLagSeconds() {
        return watermarkFallbackLagSeconds;
    }

    /** How to reach the sync host's Helper API, or null when {@code helper-url} is not set. */
    public HelperApiConfig helper() {
        return helper;
    }

    /** Seconds between two polls of the change notifier; 0 when it is off. */
    public int notifyIntervalSeconds() {
        return notifyIntervalSeconds;
    }

    /** How long an incoming call waits for pending deletion reports to reach the host (DeletionReporter). */
    public Duration helperFlushWait() {
        return Duration.ofMillis(helperFlushWaitMillis);
    }

    /** How changes are found ({@value #CHANGE_CAPTURE}). */
    public ChangeCapture changeCapture() {
        return changeCapture;
    }

    /** How long getCurrentTime waits for the binlog reader to pass its fence. */
    public Duration captureFenceTimeout() {
        return Duration.ofSeconds(captureFenceTimeoutSeconds);
    }

    /** The lag of the binlog reader beyond which the server is not ready. */
    public int captureMaxLagSeconds() {
        return captureMaxLagSeconds;
    }

    /** How long the binlog reader's lease outlives its last renewal: the longest takeover after a node dies. */
    public Duration captureLease() {
        return Duration.ofSeconds(captureLeaseSeconds);
    }

    /** Log mode through a slot: the replication slot's name ({@value #CAPTURE_SLOT}); empty for the default. */
    public String captureSlot() {
        return captureSlot;
    }

    /** Log mode through a slot: the publication's name ({@value #CAPTURE_PUBLICATION}). */
    public String capturePublication() {
        return capturePublication;
    }

    /** Log mode through a slot: the heartbeat's period ({@value #CAPTURE_HEARTBEAT_SECONDS}). */
    public Duration captureHeartbeat() {
        return Duration.ofSeconds(captureHeartbeatSeconds);
    }

    /** Days the embedded database keeps binary log files. */
    public int embeddedBinlogRetentionDays() {
        return embeddedBinlogRetentionDays;
    }

    /** Whether the include/exclude patterns select the table (esa_ tables are excluded elsewhere). */
    public boolean selects(String table) {
        boolean in = include.stream().anyMatch(p -> p.matcher(table).matches());
        boolean out = exclude.stream().anyMatch(p -> p.matcher(table).matches());
        return in && !out;
    }

    /** The settings of one table: exact name first, then case-insensitively, else the defaults. */
    public StructureSettings structure(String table) {
        StructureSettings s = structures.get(table);
        if (s != null) {
            return s;
        }
        for (Map.Entry<String, StructureSettings> e : structures.entrySet()) {
            if (e.getKey().equalsIgnoreCase(table)) {
                return e.getValue();
            }
        }
        return StructureSettings.DEFAULT;
    }

    /** The tables named in {@code structure.<table>.*} keys. */
    public Set<String> configuredTables() {
        return structures.keySet();
    }

    @Override
    public String toString() {
        // Never print the password.
        return "JdbcAdapterConfig[jdbcUrl=" + UrlCredentials.masked(jdbcUrl) + ", user=" + jdbcUser + ", demo=" + demo
                + ", database=" + database + ", structures=" + Arrays.asList(structures.keySet().toArray()) + "]";
    }
}
