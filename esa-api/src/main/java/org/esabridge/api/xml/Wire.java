package org.esabridge.api.xml;

/**
 * Every element and attribute name the codec reads or writes (esa-protocol.md §2–§6), in one place so
 * that the names marked [E] on the protocol page can follow a real host if it spells them differently.
 * Call element names are not here: each call's name is on its line of the {@link CallTable}.
 */
public final class Wire {
    private Wire() {
    }

    public static final String XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
    public static final String XSI_PREFIX = "xsi";
    public static final String XSI_NIL = "nil";

    // envelope [A]
    public static final String SYNC = "sync";
    public static final String ESA_CALL = "esa-call";
    public static final String API_CALL = "api-call";
    public static final String RESULT = "result";
    public static final String CALL_ID = "call-id";
    public static final String RESPONSE_TO = "response-to";

    // request children [A]
    public static final String EXTERNAL_SYSTEM_ID = "external-system-id";
    public static final String FORCE = "force";
    public static final String STRUCTURE = "structure";
    public static final String LOCALE = "locale";
    public static final String AFTER = "after";
    public static final String CURSOR_ID = "cursor-id";
    public static final String PAGE_INDEX = "page-index";
    public static final String ID = "id";
    public static final String LAST_SEEN = "last-seen";
    public static final String TOKEN = "token";
    public static final String MIN_ID = "min-id";
    public static final String MAX_ID = "max-id";
    public static final String NAME = "name";
    public static final String KNOWN_BEFORE = "known-before";
    public static final String TIME = "time";
    public static final String ASYNCHRONOUS = "asynchronous";

    // results [A] and snippets [E]
    public static final String VALUE = "value";
    public static final String NULL_VALUE = "nullValue";
    public static final String RECORD = "record";
    public static final String MODIFIED_AT = "modified-at";
    public static final String FIELD = "field";
    public static final String FIELD_NAME = "name";
    public static final String CURSOR = "cursor";
    public static final String TYPE = "type";
    public static final String PAGE_COUNT = "page-count";
    public static final String PAGE_SIZE = "page-size";
    public static final String TOTAL = "total";
    public static final String EXPIRES_AT = "expires-at";
    public static final String EXTERNAL_STRUCTURE = "external-structure";
    public static final String LABEL = "label";
    public static final String WRITABLE = "writable";
    public static final String LENGTH = "length";
    public static final String REQUIRED = "required";
    public static final String READ_ONLY = "read-only";
    public static final String RELATION = "relation";
    public static final String TARGET_STRUCTURE = "target-structure";
    public static final String TARGET_FIELD = "target-field";
    public static final String MULTIPLE = "multiple";
    public static final String ESA_PARAMETER = "esa-parameter";
    public static final String MULTI_VALUE = "multi-value";
    public static final String DEFAULT_VALUE = "default-value";
    public static final String CHOICE = "choice";

    // faults [E]
    public static final String EXCEPTION = "exception";
    public static final String EXCEPTION_TYPE = "type";
    public static final String EXCEPTION_CODE = "code";
    public static final String MESSAGE = "message";

    /** An {@code xsd:boolean} ({@code true}, {@code 1}, {@code false}, {@code 0}), or null for any other text. */
    static Boolean parseBoolean(String text) {
        switch (text) {
            case "true":
            case "1":
                return Boolean.TRUE;
            case "false":
            case "0":
                return Boolean.FALSE;
            default:
                return null;
        }
    }
}
