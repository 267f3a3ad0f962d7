package org.esabridge.api;

/** The types of an ESA parameter ({@code <esa-parameter>}). */
public enum ParameterType {
    STRING, INTEGER, BOOLEAN, PASSWORD, CHOICE
}
