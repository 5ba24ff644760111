package io.behalf.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/** The bit of HTTP plumbing both SaaS stand-ins share. Loopback only; for the local stack and tests, never production. */
abstract class StandInServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    protected final PrintStream log;
    private final HttpServer server;

    static {
        // The JDK server writes an answer's headers and body in two packets; without TCP_NODELAY the body waits for
        // the client's delayed ACK of the headers, ~40 ms on every call, and the stand-ins would not answer at once
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    StandInServer(int port, PrintStream log) {
        this.log = log;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (BindException e) {
            throw new LocalStackException("port " + port + " is in use: stop what uses it, or choose another port");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            try {
                handle(exchange);
            } catch (RuntimeException e) {
                respond(exchange, 500, "application/json", "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    protected abstract void handle(HttpExchange exchange) throws IOException;

    static String body(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    static Map<String, String> form(String body) {
        Map<String, String> values = new LinkedHashMap<>();
        if (body == null || body.isBlank()) {
            return values;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(key, value);
        }
        return values;
    }

    /** Form fields, query parameters or a JSON object body, whichever the client sent. */
    static Map<String, String> parameters(HttpExchange exchange, String body) throws IOException {
        Map<String, String> values = new LinkedHashMap<>(form(exchange.getRequestURI().getRawQuery()));
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null && type.startsWith("application/json") && !body.isBlank()) {
            JSON.readTree(body).fields().forEachRemaining(f -> values.put(f.getKey(),
                    f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString()));
        } else {
            values.putAll(form(body));
        }
        return values;
    }

    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (status == 204) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        respond(exchange, status, "application/json", JSON.writeValueAsString(body));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
