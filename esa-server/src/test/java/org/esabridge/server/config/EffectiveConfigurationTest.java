package org.esabridge.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
