package org.esabridge.api;

import java.util.List;
import java.util.Objects;

/**
 * The description of one adapter setting that the host stores and shows ({@code <esa-parameter>}).
 *
 * @param name          the parameter name
 * @param label         a human label
 * @param type          its type
 * @param required      whether a value must be given
 * @param multiValue    whether several values may be given
 * @param defaultValues the defaults, possibly empty
 * @param choices       the allowed values of a {@link ParameterType#CHOICE}, otherwise empty
 */
public record EsaParameter(String name, String label, ParameterType type, boolean required, boolean multiValue,
                           List<String> defaultValues, List<String> choices) {
    public EsaParameter {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(label, "label == null");
        Objects.requireNonNull(type, "type == null");
        defaultValues = List.copyOf(defaultValues);
        choices = List.copyOf(choices);
    }
}
