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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.esabridge.api.helper.HelperApiConfig;

/**
 * The configuration of the JDBC adapter: immutable, validated eagerly, every problem reported with the
 * offending key's name.
 *
 * <p>Every key this module reads is declared once below (name, default, validator, one-line doc), in the
 * manner of Kafka Connect/Debezium: {@link #settings()} feeds the README table and {@code --help}, and
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
    /**
     * Declared by the server (its {@code external-system-id}), read here too: the Helper API sends the same id
     * the server accepts, so one key names it.
     */
    public static final String EXTERNAL_SYSTEM_ID = "external-system-id";

    private static final String STRUCTURE_PREFIX = "structure.";

    /** A global setting: name, default, validator (parses or throws with a reason), doc. */
    private record Setting(String name, String defaultValue, Function<String, Object> parser, String doc) {
    }

    /** A per-structure setting, {@code structure.<table>.<suffix>}. */
    private record StructureSetting(String suffix, String defaultValue, Function<String, Object> parser, String doc) {
        String pattern() {
            return STRUCTURE_PREFIX + "<table>." + suffix;
        }
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting(JDBC_URL, "", JdbcAdapterConfig::jdbcUrl,
                    "JDBC URL of an existing MariaDB (jdbc:mariadb://host:3306/db); empty starts the embedded MariaDB"),
            new Setting(JDBC_USER, "", s -> s, "database user for jdbc-url (the embedded MariaDB has its own generated account, see Security)"),
            new Setting(JDBC_PASSWORD, "", s -> s, "database password for jdbc-url (secret)"),
            new Setting(DEMO, "false", JdbcAdapterConfig::bool,
                    "create the demo schema (customers, products, orders) on first start, writable"),
            new Setting(DATABASE, "esa", JdbcAdapterConfig::schemaName,
                    "schema name in the embedded MariaDB"),
            new Setting(STRUCTURES_INCLUDE, "*", JdbcAdapterConfig::globs,
                    "comma-separated glob patterns (* and ?) of table names to expose"),
            new Setting(STRUCTURES_EXCLUDE, "", JdbcAdapterConfig::globs,
                    "comma-separated glob patterns of table names never to expose (esa_* never are)"),
            new Setting(PAGE_SIZE, "5000", s -> intIn(s, 100, 10_000), "entries per cursor page, 100..10000"),
            new Setting(INLINE_THRESHOLD, "1000", s -> intIn(s, 0, 1_000_000),
                    "getModified/getDeleted answer inline up to this many entries, else NULL (use paging)"),
            new Setting(TOMBSTONE_RETENTION_DAYS, "30", s -> intIn(s, 30, 36_500),
                    "days tombstones are kept (>= 30); an older getDeleted 'after' is refused"),
            new Setting(POOL_SIZE, "10", s -> intIn(s, 1, 1000), "maximum database connections"),
            new Setting(QUERY_TIMEOUT_SECONDS, "30", s -> intIn(s, 1, 86_400),
                    "time limit of one SQL statement, seconds"),
            new Setting(CURSOR_TIMEOUT_MINUTES, "30", s -> intIn(s, 1, 1440),
                    "a cursor not read or leased for this many minutes expires (renewals are written at most every tenth of it, or every minute)"),
            new Setting(MAX_OPEN_CURSORS, "100", s -> intIn(s, 1, 100_000),
                    "open cursors allowed per principal; one more is refused TOO_LARGE (close or release them)"),
            new Setting(WATERMARK_FALLBACK_LAG_SECONDS, "300", s -> intIn(s, 1, 86_400),
                    "without the PROCESS privilege, changes are re-read this far back (longest expected transaction)"),
            new Setting(HELPER_URL, "", JdbcAdapterConfig::helperUrl,
                    "the sync host's Helper API URL (https); empty: no calls to the host (needs external-system-id)"),
            new Setting(HELPER_USER, "", s -> s, "Basic user for helper-url (empty: none)"),
            new Setting(HELPER_PASSWORD, "", s -> s, "Basic password for helper-url (secret)"),
            new Setting(HELPER_TOKEN, "", s -> s, "bearer token for helper-url, instead of user/password (secret)"),
            new Setting(HELPER_TRUST_STORE, "", s -> s.trim(),
                    "PKCS12 file of the certificates to trust for helper-url (empty: the JDK's trusted roots)"),
            new Setting(HELPER_TRUST_STORE_PASSWORD, "", s -> s, "password of helper-trust-store (secret)"),
            new Setting(HELPER_TIMEOUT_SECONDS, "30", s -> intIn(s, 1, 3600),
                    "time allowed per Helper API request, seconds (connect: at most 5)"),
            new Setting(HELPER_FLUSH_WAIT_MILLIS, "2000", s -> intIn(s, 0, 60_000),
                    "longest wait of an incoming call for pending deletion reports to reach the host, ms; then the "
                            + "call proceeds and the reports go on being sent in the background"),
            new Setting(NOTIFY_INTERVAL_SECONDS, "0", s -> intIn(s, 0, 86_400),
                    "poll the structures this often and ask the host (startSync) to sync on a change; 0 = off"));

    private static final List<StructureSetting> STRUCTURE_SETTINGS = List.of(
            new StructureSetting("label", "<table>", s -> s, "human label of the structure"),
            new StructureSetting("id-columns", "primary key", JdbcAdapterConfig::columnList,
                    "comma-separated id columns (a unique key), in order"),
            new StructureSetting("modified-column", "detected", s -> identifier(s),
                    "modification timestamp column (detected: TIMESTAMP/DATETIME ON UPDATE CURRENT_TIMESTAMP)"),
            new StructureSetting("writable", "false", JdbcAdapterConfig::bool,
                    "allow create/update/delete"),
            new StructureSetting("read-only-columns", "", JdbcAdapterConfig::columnList,
                    "comma-separated columns that writes may not set"),
            new StructureSetting("delete-strategy", "tombstone", s -> DeleteStrategy.parse(s),
                    "tombstone (trigger-written) | soft-delete:<column> | helper (ids the host knows, via helper-url) | none"),
            new StructureSetting("change-tracking", "column", JdbcAdapterConfig::changeTracking,
                    "column | version-table (adapter-managed, for tables without a modification column)"));

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

    private JdbcAdapterConfig(Map<String, Object> global, Map<String, StructureSettings> structures, Path dataDir) {
        String url = (String) global.get(JDBC_URL);
        this.jdbcUrl = url.isEmpty() ? null : url;
        this.jdbcUser = (String) global.get(JDBC_USER);
        this.jdbcPassword = (String) global.get(JDBC_PASSWORD);
        this.demo = (Boolean) global.get(DEMO);
        this.database = (String) global.get(DATABASE);
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
     * @param dataDir  where the embedded MariaDB keeps its data ({@code <dataDir>/mariadb}); may be null when
     *                 {@code jdbc-url} is given
     * @throws IllegalArgumentException naming the offending key
     */
    public static JdbcAdapterConfig fromSettings(Map<String, String> settings, Path dataDir) {
        Objects.requireNonNull(settings, "settings == null");
        Map<String, Object> global = new HashMap<>();
        for (Setting s : SETTINGS) {
            String raw = settings.getOrDefault(s.name(), s.defaultValue());
            global.put(s.name(), parse(s.name(), raw == null ? s.defaultValue() : raw, s.parser()));
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
                StructureSetting s = structureSetting(split.get()[1]).orElseThrow();
                perTable.computeIfAbsent(table, t -> new HashMap<>())
                        .put(s.suffix(), parse(key, e.getValue() == null ? "" : e.getValue(), s.parser()));
            } else if (key.startsWith("jdbc-") || key.startsWith("helper-") || key.startsWith(STRUCTURE_PREFIX)
                    || key.startsWith("structures.")) {
                throw new IllegalArgumentException("unknown setting '" + key + "'");
            }
        }
        Map<String, StructureSettings> structures = new HashMap<>();
        perTable.forEach((table, values) -> structures.put(table, structureSettings(table, values)));
        if (((String) global.get(JDBC_URL)).isEmpty() && dataDir == null) {
            throw new IllegalArgumentException("'" + JDBC_URL + "' is empty, so the embedded MariaDB needs a data directory");
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

    /** Every key this module reads, per-structure keys with {@code <table>}, in declaration order. */
    public static List<SettingDoc> settings() {
        List<SettingDoc> docs = new ArrayList<>();
        for (Setting s : SETTINGS) {
            docs.add(new SettingDoc(s.name(), s.defaultValue(), s.doc()));
        }
        for (StructureSetting s : STRUCTURE_SETTINGS) {
            docs.add(new SettingDoc(s.pattern(), s.defaultValue(), s.doc()));
        }
        return List.copyOf(docs);
    }

    /** Whether this module reads the key, including per-structure keys like {@code structure.orders.writable}. */
    public static boolean isKnownKey(String key) {
        return key != null && (globalSetting(key).isPresent() || splitStructureKey(key).isPresent());
    }

    /** Parses a value the sync host stores for a setting it manages, with the file's rules and ranges. */
    static int parseHostManaged(String key, String raw) {
        return (Integer) globalSetting(key).orElseThrow().parser().apply(raw);
    }

    private static Optional<Setting> globalSetting(String key) {
        return SETTINGS.stream().filter(s -> s.name().equals(key)).findFirst();
    }

    private static Optional<StructureSetting> structureSetting(String suffix) {
        return STRUCTURE_SETTINGS.stream().filter(s -> s.suffix().equals(suffix)).findFirst();
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

    private static Object parse(String key, String raw, Function<String, Object> parser) {
        try {
            return parser.apply(raw);
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
                (StructureSettings.ChangeTracking) v.getOrDefault("change-tracking", d.changeTracking()));
        if (s.changeTracking() == StructureSettings.ChangeTracking.VERSION_TABLE && s.modifiedColumn() != null) {
            throw new IllegalArgumentException("setting 'structure." + table
                    + ".change-tracking': version-table and a modified-column exclude each other");
        }
        return s;
    }

    // --- validators: return the parsed value or throw with a reason (the caller adds the key) ---

    private static Object jdbcUrl(String s) {
        String t = s.trim();
        if (!t.isEmpty() && !t.startsWith("jdbc:mariadb:") && !t.startsWith("jdbc:mysql:")) {
            throw new IllegalArgumentException("expected a jdbc:mariadb:// URL");
        }
        return t;
    }

    private static Object helperUrl(String s) {
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

    private static Object bool(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("1")) {
            return Boolean.TRUE;
        }
        if (t.equals("false") || t.equals("0")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("expected true or false, got '" + s + "'");
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

    private static Object schemaName(String s) {
        String t = s.trim();
        if (!SCHEMA_NAME.matcher(t).matches()) {
            throw new IllegalArgumentException("expected 1..64 letters, digits or underscores");
        }
        return t;
    }

    private static String identifier(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.length() > 64) {
            throw new IllegalArgumentException("expected a column name");
        }
        return t;
    }

    private static Object columnList(String s) {
        List<String> cols = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                cols.add(identifier(part));
            }
        }
        return List.copyOf(cols);
    }

    private static Object globs(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String t = part.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return List.copyOf(out);
    }

    private static Object changeTracking(String s) {
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

    /** The JDBC URL of an existing database, or null for the embedded MariaDB. */
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

    /** The schema of the embedded MariaDB. */
    public String database() {
        return database;
    }

    /** Where the embedded MariaDB keeps its files, or null when {@code jdbc-url} is given. */
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
        return "JdbcAdapterConfig[jdbcUrl=" + jdbcUrl + ", user=" + jdbcUser + ", demo=" + demo + ", database="
                + database + ", structures=" + Arrays.asList(structures.keySet().toArray()) + "]";
    }
}
