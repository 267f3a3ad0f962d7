/**
 * Setting declarations shared by the server and the database adapter: {@link org.esabridge.api.config.Setting}
 * (name, parser, default, secret, command-line option or not, doc) and
 * {@link org.esabridge.api.config.SettingType} (the parsers, among them the one boolean rule).
 */
package org.esabridge.api.config;
