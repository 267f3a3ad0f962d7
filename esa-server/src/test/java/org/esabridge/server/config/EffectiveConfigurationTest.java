package org.esabridge.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.esabridge.api.config.Setting;
import org.esabridge.api.config.SettingType;
import org.junit.jupiter.api.Test;

class EffectiveConfigurationTest {

    @Test
    void everyDeclaredValueOrDefaultWithDeclaredSecretsMasked() {
        List<Setting<?>> declared = List.of(
                Setting.option("port", SettingType.TEXT, "8443", "HTTPS port."),
                Setting.option("host", SettingType.TEXT, null, "Address."),
                Setting.key("helper-token", SettingType.TEXT, "", "bearer token").asSecret(),
                Setting.key("jdbc-password", SettingType.TEXT, "", "database password").asSecret(),
                Setting.key("password-policy", SettingType.TEXT, "", "not a secret, whatever its name"),
                Setting.key("structure.<table>.writable", SettingType.BOOLEAN, "false", "allow writes"));
        String line = EffectiveConfiguration.describe(Map.of("port", " 9443 ", "helper-token", "t0ken",
                "password-policy", "strict", "structure.sales.orders.writable", "true"), declared);
        assertEquals("port=9443 host= helper-token=*** jdbc-password= password-policy=strict "
                + "structure.sales.orders.writable=true", line);
    }

    @Test
    void credentialsInsideAUrlAreMaskedWhateverTheSetting() {
        List<Setting<?>> declared = List.of(
                Setting.option("jdbc-url", SettingType.TEXT, "", "JDBC URL"),
                Setting.key("helper-url", SettingType.TEXT, "", "Helper API"));
        String line = EffectiveConfiguration.describe(Map.of(
                "jdbc-url", "jdbc:mariadb://db.example:3306/crm?user=esa&PassWord=hunter2&sslMode=verify-full"
                        + "&trustStorePassword=s3cret;password=again",
                "helper-url", "https://sync:t0psecret@host.example/helper?password=x"), declared);
        assertEquals("jdbc-url=jdbc:mariadb://db.example:3306/crm?user=esa&PassWord=***&sslMode=verify-full"
                + "&trustStorePassword=***;password=*** helper-url=https://***@host.example/helper?password=***", line);
        for (String secret : List.of("hunter2", "s3cret", "again", "t0psecret")) {
            assertFalse(line.contains(secret), line);
        }
    }
}
