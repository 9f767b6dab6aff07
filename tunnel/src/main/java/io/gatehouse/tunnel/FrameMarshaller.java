package io.gatehouse.tunnel;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.gatehouse.tunnel.v1.Frame;
import io.gatehouse.tunnel.v1.TunnelGrpc;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@link Frame}s with one copy fewer than gRPC's protobuf marshaller: that one copies each message into a
 * reused per-thread array and then copies a data frame's bytes out of it again; this one reads the message
 * into an array of its own and parses it with aliasing, so the frame's {@code data} is a view of that array.
 * The bytes on the wire are tunnel.proto's {@code Frame}, unchanged; writing is gRPC's own (one copy into the
 * transport's buffers).
 */
public final class FrameMarshaller implements MethodDescriptor.PrototypeMarshaller<Frame> {
    private static final FrameMarshaller INSTANCE = new FrameMarshaller();
    private static final MethodDescriptor<Frame, Frame> DATA =
            TunnelGrpc.getDataMethod().toBuilder(INSTANCE, INSTANCE).build();

    private final MethodDescriptor.Marshaller<Frame> fallback =
            io.grpc.protobuf.ProtoUtils.marshaller(Frame.getDefaultInstance());

    private FrameMarshaller() {}

    /** The Data method of tunnel.proto, with this marshaller both ways; both sides use it instead of the stub's. */
    public static MethodDescriptor<Frame, Frame> dataMethod() {
        return DATA;
    }

    @Override
    public InputStream stream(Frame value) {
        return fallback.stream(value);
    }

    @Override
    public Frame parse(InputStream stream) {
        try {
            if (!(stream instanceof KnownLength)) {
                return fallback.parse(stream);
            }
            int size = stream.available();
            if (size > TunnelProtocol.MAX_MESSAGE) {
                throw Status.RESOURCE_EXHAUSTED
                        .withDescription("a tunnel frame of " + size + " bytes; at most " + TunnelProtocol.MAX_MESSAGE)
                        .asRuntimeException();
            }
            byte[] bytes = new byte[size];
            // Straight into the array (readNBytes(int) would gather 16 KiB pieces and copy them once more).
            if (stream.readNBytes(bytes, 0, size) != size) {
                throw new IOException("a tunnel frame ended after fewer than its " + size + " bytes");
            }
            // Aliasing needs an input that protobuf knows is immutable; the array is ours alone from here on.
            CodedInputStream input = UnsafeByteOperations.unsafeWrap(bytes).newCodedInput();
            input.enableAliasing(true);
            return Frame.parseFrom(input, ExtensionRegistryLite.getEmptyRegistry());
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL
                    .withDescription("a tunnel frame that is not a Frame: " + e.getMessage())
                    .withCause(e)
                    .asRuntimeException();
        } catch (IOException e) {
            throw Status.INTERNAL
                    .withDescription("cannot read a tunnel frame: " + e.getMessage())
                    .withCause(e)
                    .asRuntimeException();
        }
    }

    @Override
    public Class<Frame> getMessageClass() {
        return Frame.class;
    }

    @Override
    public Frame getMessagePrototype() {
        return Frame.getDefaultInstance();
    }
}
