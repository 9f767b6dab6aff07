package io.gatehouse.gateway.pg;

import io.gatehouse.wire.pg.CancelRequest;
import io.gatehouse.wire.pg.PgEncoder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Sends one CancelRequest on a fresh upstream connection and closes it, as libpq's PQcancel does. */
final class CancelForwarder extends ChannelInboundHandlerAdapter {
    private final CancelRequest request;

    CancelForwarder(CancelRequest request) {
        this.request = request;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(PgEncoder.encode(request))).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
