package io.gatehouse.wire.pg;

import java.util.List;
import java.util.Optional;

/**
 * What one {@code feed} produced: the items completed by these bytes (possibly none: the decoder
 * needs more bytes), and, if the input broke the protocol, the violation after which the decoder
 * accepts nothing more. Items decoded before the violation are still valid and are returned.
 */
public record DecodeResult<M>(List<Decoded<M>> items, Optional<ProtocolViolation> violation) {
    public DecodeResult {
        items = List.copyOf(items);
    }

    public boolean failed() {
        return violation.isPresent();
    }

    /** The complete messages among the items, in order. */
    public List<M> messages() {
        return items.stream()
                .<M>mapMulti((item, sink) -> {
                    if (item instanceof Decoded.Message<M>(M message)) {
                        sink.accept(message);
                    }
                })
                .toList();
    }
}
