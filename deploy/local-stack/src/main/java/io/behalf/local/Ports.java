package io.behalf.local;

import io.behalf.testing.FreePorts;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where each part of the local stack listens (all on 127.0.0.1). */
record Ports(int kafka, int postgres, int gitlab, int slack, Map<String, Integer> services) {

    /** The documented defaults, each overridable by its environment variable. */
    static Ports fromEnv() {
        Map<String, Integer> services = new LinkedHashMap<>();
        services.put("consent-service", 8081);
        services.put("email-release-service", 8082);
        services.put("audit-service", 8083);
        services.put("impersonation-alert-service", 8084);
        return new Ports(intEnv("BEHALF_KAFKA_PORT", 9092), intEnv("BEHALF_POSTGRES_PORT", 55432),
                intEnv("BEHALF_GITLAB_STANDIN_PORT", 8090), intEnv("BEHALF_SLACK_STANDIN_PORT", 8091), services);
    }

    /** Free ports, for a stack started by the system tests beside whatever else runs on the machine. */
    static Ports free() {
        Map<String, Integer> services = new LinkedHashMap<>();
        for (String service : fromEnv().services().keySet()) {
            services.put(service, FreePorts.next());
        }
        return new Ports(FreePorts.nextPair(), FreePorts.next(), FreePorts.next(), FreePorts.next(), services);
    }

    int consent() {
        return services.get("consent-service");
    }

    int emailRelease() {
        return services.get("email-release-service");
    }

    int audit() {
        return services.get("audit-service");
    }

    int impersonation() {
        return services.get("impersonation-alert-service");
    }

    private static int intEnv(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

}
