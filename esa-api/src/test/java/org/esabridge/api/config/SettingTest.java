package org.esabridge.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SettingTest {

    @Test
    void oneBooleanRuleForEverySetting() {
        for (String yes : new String[] {"true", "TRUE", " True ", "1"}) {
            assertTrue(SettingType.BOOLEAN.parse(yes), yes);
        }
        for (String no : new String[] {"false", "False", "0 "}) {
            assertFalse(SettingType.BOOLEAN.parse(no), no);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SettingType.BOOLEAN.parse("yes"));
        assertEquals("expected true or false, got 'yes'", e.getMessage());
    }

    @Test
    void aSecretIsShownMaskedOnlyWhenSet() {
        Setting<String> password = Setting.key("helper-password", SettingType.TEXT, "", "password").asSecret();
        assertEquals("***", password.shown("hunter2"));
        assertEquals("", password.shown(""));
        // declared, not guessed: a name with "password" in it is not secret unless declared so
        assertEquals("hunter2", Setting.key("password-rule", SettingType.TEXT, "", "rule").shown("hunter2"));
    }

    @Test
    void notesFollowTheStyleOfTheDocLine() {
        Setting<String> sentence = Setting.option("keystore-password", SettingType.TEXT, null, "Password.")
                .asSecret();
        assertEquals("Password. Secret.", sentence.description());
        assertEquals("HTTPS port. Default: 8443.", Setting.option("port", SettingType.TEXT, "8443", "HTTPS port.").help());
        Setting<Boolean> phrase = Setting.option("demo", SettingType.BOOLEAN, "false", "create the demo schema");
        assertEquals("create the demo schema (default: false)", phrase.help());
        assertEquals("password of it (secret)",
                Setting.key("p", SettingType.TEXT, "", "password of it").asSecret().help());
        assertTrue(phrase.commandLine());
        assertEquals("--demo", phrase.flag());
    }
}
