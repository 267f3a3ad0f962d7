package org.esabridge.api.xml;

import java.io.IOException;
import org.esabridge.api.ErrorCode;
import org.esabridge.api.EsaException;

/**
 * A value holds a character that XML 1.0 cannot carry (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
 * U+FFFE, U+FFFF or a lone surrogate). Nothing of the refused entry was written.
 *
 * <p>It is an {@link IOException} so that it travels through {@link org.esabridge.api.ResultSink} callers
 * unchanged, as the SPI demands for sink failures; the server tells it apart from a lost client by its
 * type and answers {@link #fault()} through {@link EsaResultWriter#fail}. Replacing the character instead
 * would hand the host a different value that it might write back, so the value is refused, with the
 * field named so that an operator can fix the row.
 */
public final class UnwritableValueException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient EsaException fault;

    UnwritableValueException(String message) {
        super(message);
        this.fault = new EsaException(ErrorCode.INVALID_VALUE, message);
    }

    /** The {@link ErrorCode#INVALID_VALUE} fault to answer. */
    public EsaException fault() {
        return fault;
    }
}
