package io.behalf.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

/**
 * The floor of start-up time and memory: a JVM with the services' heap cap that serves {@code /q/health/ready}
 * from the JDK's own HTTP server and nothing else. Started by {@link StartupBench} as its own process.
 */
public final class JvmFloor {

    private JvmFloor() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
        server.createContext("/q/health/ready", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
