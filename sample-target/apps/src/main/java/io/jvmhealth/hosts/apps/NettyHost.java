package io.jvmhealth.hosts.apps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.FullHttpRequest;

import java.nio.charset.StandardCharsets;

/**
 * A Netty {@code ServerBootstrap} (NIO transport) with a minimal HTTP handler answering {@code ok} and closing.
 * The start-up delay is spent on the server channel's event loop when its handler is added, that is inside
 * Netty's own start: {@code bind(port)} returns its future at once, and the socket is bound {@code --delay-ms}
 * later. {@code stop} closes the server channel (the event loops live on). Options: {@code --port=N [--delay-ms=N]}.
 */
public final class NettyHost {
    private NettyHost() {
    }

    public static void main(String[] args) throws Exception {
        Host host = new Host("netty-host", args);
        int port = host.port();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Channel[] bound = new Channel[1];
        host.on("stop", a -> bound[0].close().sync()).readCommands();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        host.delay(); // on the server channel's event loop, between register and bind
                    }
                })
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                                Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8));
                                        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 2);
                                        response.headers().set(HttpHeaderNames.CONNECTION, "close");
                                        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
                                    }
                                });
                    }
                });
        bound[0] = bootstrap.bind(port).sync().channel();
        host.serving(((java.net.InetSocketAddress) bound[0].localAddress()).getPort());
        Host.parkForever();
    }
}
