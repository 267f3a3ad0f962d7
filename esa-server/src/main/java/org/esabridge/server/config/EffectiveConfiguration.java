package org.esabridge.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.esabridge.api.config.Setting;
import org.esabridge.api.config.UrlCredentials;

/**
 * The one start-up log line that says what the server runs with: every declared setting with its value or
 * default, then the per-structure keys given, each secret shown as {@value Setting#MASK}. Whether a value is
 * secret comes from its declaration only; credentials written into any value's URL are masked too
 * ({@link UrlCredentials}).
 */
public final class EffectiveConfiguration {

    private EffectiveConfiguration() {
    }

    /**
     * @param values   the settings given (file and command line merged), key → text
     * @param declared every declaration the values were validated against, the server's first
     */
    public static String describe(Map<String, String> values, List<Setting<?>> declared) {
        List<String> pairs = new ArrayList<>();
        for (Setting<?> setting : declared) {
            if (!setting.name().contains("<table>")) {
                String given = values.get(setting.name());
                String text = given == null || given.isBlank() ? setting.defaultValue() : given.trim();
                pairs.add(setting.name() + "=" + shown(setting, text));
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
            if (declared.stream().noneMatch(s -> s.name().equals(e.getKey()))) {
                // a per-structure key (structure.orders.writable): its declaration names the table <table>
                Optional<Setting<?>> pattern = declared.stream().filter(s -> matches(s, e.getKey())).findFirst();
                pairs.add(e.getKey() + "=" + pattern.map(s -> shown(s, e.getValue())).orElse(Setting.MASK));
            }
        }
        return String.join(" ", pairs);
    }

    private static String shown(Setting<?> setting, String text) {
        return text == null ? "" : UrlCredentials.masked(setting.shown(text));
    }

    private static boolean matches(Setting<?> setting, String key) {
        String name = setting.name();
        int table = name.indexOf("<table>");
        return table >= 0 && Pattern.matches(Pattern.quote(name.substring(0, table)) + ".+"
                + Pattern.quote(name.substring(table + "<table>".length())), key);
    }
}
