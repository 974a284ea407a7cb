package dev.strata.examples.fooddelivery;

import java.nio.charset.StandardCharsets;

/**
 * One message the generator sends to the orders topic.
 *
 * @param index    position in the generated stream (0, 1, 2, ...), the same for the same seed
 * @param objectId the order id, or -1 for a malformed message
 * @param value    the exact bytes sent
 */
public record OrderMessage(long index, Kind kind, long objectId, byte[] value) {
    /** Why the message exists. */
    public enum Kind {
        /** the first message of an order */
        ORDER,
        /** a byte-identical re-send of an earlier message */
        DUPLICATE,
        /** the order reached its final status after having been sent in an intermediate one */
        STATUS_UPDATE,
        /** a CLOSED order re-sent later as CANCELLED */
        CANCELLATION,
        /** bytes that are not a valid order message; they must end in dead letters */
        MALFORMED
    }

    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
