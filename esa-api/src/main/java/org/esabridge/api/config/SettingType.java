package org.esabridge.api.config;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * How the text of a setting becomes its value: the parser, and the placeholder {@code --help} shows for it
 * ({@code PORT}, {@code N}, {@code TEXT} …).
 *
 * <p>A parser returns the value or throws {@link IllegalArgumentException} with the reason only ("expected
 * 100..10000, got 99"); whoever reads the setting adds the key, so every message names it.
 *
 * @param label  the value's placeholder in {@code --help}
 * @param parser text → value; never given null
 * @param <T>    the value's type
 */
public record SettingType<T>(String label, Function<String, T> parser) {

    /**
     * The one boolean rule of every setting, in the file and on the command line: {@code true} or
     * {@code false} (also {@code 1}, {@code 0}), in any case, surrounding white space ignored. As a
     * command-line flag, the flag alone means true.
     */
    public static final SettingType<Boolean> BOOLEAN = new SettingType<>("true|false", SettingType::bool);

    /** Free text, taken as given. */
    public static final SettingType<String> TEXT = new SettingType<>("TEXT", text -> text);

    public SettingType {
        Objects.requireNonNull(label, "label == null");
        Objects.requireNonNull(parser, "parser == null");
    }

    /** @throws IllegalArgumentException with the reason, not the key */
    public T parse(String text) {
        return parser.apply(Objects.requireNonNull(text, "text == null"));
    }

    private static Boolean bool(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("1")) {
            return Boolean.TRUE;
        }
        if (t.equals("false") || t.equals("0")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("expected true or false, got '" + text + "'");
    }
}
