package io.jvmhealth.agent.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * The agent's listening channel, bound by the agent on the thread that starts it, so that a taken
 * port is reported at once with its reason; {@link HealthServer} then accepts from it on its
 * selector thread. Non-blocking from the start.
 */
public final class ListeningSocket {
    private final ServerSocketChannel channel;
    private final InetAddress address;
    private final int port;

    /** @param requested the address asked for: the channel reports {@code ::} for {@code 0.0.0.0} (its socket is dual-stack) */
    private ListeningSocket(ServerSocketChannel channel, InetAddress requested) {
        this.channel = channel;
        this.address = requested;
        this.port = port(channel);
    }

    /** Binds {@code host:port} now, on the caller's thread, so a taken port fails here (BindException). */
    public static ListeningSocket bind(String host, int port) throws IOException {
        InetSocketAddress requested = new InetSocketAddress(host, port);
        ServerSocketChannel channel = Transport.provider().openServerSocketChannel();
        try {
            // The channel's own methods, not channel.socket(): its adaptor would load a dozen more classes and spin a lambda.
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, Boolean.TRUE);
            channel.bind(requested, HealthServer.BACKLOG);
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        warmUpSocketClose(channel.provider());
        return new ListeningSocket(channel, requested.getAddress());
    }

    /**
     * Opens and closes one throwaway socket channel now. The JDK initializes the classes that close
     * sockets ({@code sun.nio.ch.FileDispatcherImpl}, which opens a socket pair of its own for
     * closing, and {@code SocketDispatcher}) on the first close, and that needs free file
     * descriptors: if it first happens while the host has exhausted them, the class stays unusable
     * for the life of the JVM and every later close throws NoClassDefFoundError.
     */
    private static void warmUpSocketClose(java.nio.channels.spi.SelectorProvider provider) {
        try {
            provider.openSocketChannel().close();
        } catch (Throwable ignored) {
            // nothing to warm on this JVM
        }
    }

    private static int port(ServerSocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1; // closed under us: nothing listens
        }
    }

    ServerSocketChannel channel() {
        return channel;
    }

    public InetAddress getInetAddress() {
        return address;
    }

    public int getLocalPort() {
        return port;
    }

    public boolean isClosed() {
        return !channel.isOpen();
    }

    /** Frees the port. Never throws for a channel already closed. */
    public void close() throws IOException {
        channel.close();
    }
}
