package io.jitmask.serde;

/** Bytes that are not a valid Confluent-framed Avro datum. The message names the defect, never the content. */
public class MalformedRecordException extends RuntimeException {
    public MalformedRecordException(String message) {
        super(message);
    }

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
