package io.behalf.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.behalf.events.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/kubernetes against DESIGN.md's production requirements and issue 7. */
class KubernetesManifestsTest {
    static final String STRIMZI = "kafka.strimzi.io/v1beta2";
    static final String PLACEHOLDER = "REPLACE_ME";

    static KubernetesManifests manifests;

    @BeforeAll
    static void load() {
        manifests = KubernetesManifests.load();
    }

    static List<String> services() {
        return Topics.SERVICES;
    }

    static List<String> topics() {
        return Topics.all();
    }

    @Test
    void everyFileHoldsNamedResourcesOfKnownKinds() {
        assertThat(manifests.resources).isNotEmpty();
        var allowed = Set.of("Kafka", "KafkaNodePool", "KafkaTopic",
                "Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget");
        for (var loaded : manifests.resources) {
            HasMetadata r = loaded.resource();
            assertThat(r.getKind()).as("kind in %s", loaded.file()).isIn(allowed);
            assertThat(r.getMetadata().getName()).as("name of a %s in %s", r.getKind(), loaded.file())
                    .isNotBlank()
                    // Kubernetes object names: DNS-1123 subdomain.
                    .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
            assertThat(r.getMetadata().getLabels()).as("labels of %s %s", r.getKind(), r.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/part-of", "behalf");
            // The namespace comes from kustomization.yaml or kubectl -n, never pinned in a manifest.
            assertThat(r.getMetadata().getNamespace()).as("namespace of %s", r.getMetadata().getName()).isNull();
            if (r instanceof GenericKubernetesResource) {
                assertThat(r.getApiVersion()).as("apiVersion of %s", r.getMetadata().getName()).isEqualTo(STRIMZI);
            }
        }
        // No two resources of one kind share a name (the second would overwrite the first on apply).
        var seen = new TreeSet<String>();
        for (var loaded : manifests.resources) {
            String id = loaded.resource().getKind() + "/" + loaded.resource().getMetadata().getName();
            assertThat(seen.add(id)).as("duplicate %s", id).isTrue();
        }
    }

    @Test
    void kustomizationListsExactlyTheManifests() throws IOException {
        JsonNode kustomization = new YAMLMapper().readTree(manifests.dir.resolve(KubernetesManifests.KUSTOMIZATION).toFile());
        var listed = new TreeSet<String>();
        kustomization.path("resources").forEach(n -> listed.add(n.asText()));
        var present = manifests.files().stream().map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(present);
        var images = new TreeSet<String>();
        kustomization.path("images").forEach(n -> images.add(n.path("name").asText()));
        assertThat(images).containsExactlyInAnyOrderElementsOf(
                services().stream().map(s -> "behalf/" + s).toList());
    }

    @Test
    void kafkaIsAThreeBrokerKraftClusterWithSafeDefaults() {
        var kafkas = manifests.custom("Kafka");
        assertThat(kafkas).hasSize(1);
        var kafka = kafkas.get(0);
        assertThat(kafka.<Object>get("spec", "zookeeper")).as("KRaft: no ZooKeeper").isNull();
        assertThat(asInt(kafka.get("spec", "kafka", "config", "min.insync.replicas"))).isEqualTo(2);
        assertThat(asInt(kafka.get("spec", "kafka", "config", "default.replication.factor"))).isEqualTo(3);
        assertThat(asInt(kafka.get("spec", "kafka", "config", "offsets.topic.replication.factor"))).isEqualTo(3);
        assertThat(String.valueOf(kafka.<Object>get("spec", "kafka", "config", "auto.create.topics.enable"))).isEqualTo("false");
        assertThat(kafka.<Object>get("spec", "entityOperator", "topicOperator"))
                .as("the topic operator reconciles the KafkaTopics").isNotNull();

        var pools = manifests.custom("KafkaNodePool");
        for (var pool : pools) {
            assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka.getMetadata().getName());
            assertThat(pool.<Object>get("spec", "storage")).as("storage of %s", pool.getMetadata().getName()).isNotNull();
            assertThat(pool.<Object>get("spec", "resources", "limits", "memory")).as("memory limit of %s", pool.getMetadata().getName()).isNotNull();
        }
        assertThat(replicasWithRole(pools, "broker")).as("brokers").isGreaterThanOrEqualTo(3);
        int controllers = replicasWithRole(pools, "controller");
        assertThat(controllers).as("KRaft controllers: an odd quorum of at least 3").isGreaterThanOrEqualTo(3);
        assertThat(controllers % 2).as("odd number of controllers").isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("topics")
    void everyTopicHasAKafkaTopicSizedForProduction(String topic) {
        var kafka = manifests.custom("Kafka").get(0).getMetadata().getName();
        var matching = manifests.custom("KafkaTopic").stream().filter(t -> topic.equals(topicName(t))).toList();
        assertThat(matching).as("KafkaTopic for %s", topic).hasSize(1);
        var t = matching.get(0);
        assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", kafka);
        // DESIGN.md: >= 6 partitions everywhere, >= 12 in production.
        assertThat(asInt(t.get("spec", "partitions"))).isGreaterThanOrEqualTo(12);
        assertThat(asInt(t.get("spec", "replicas"))).isEqualTo(3);
        assertThat(asInt(t.get("spec", "config", "min.insync.replicas"))).isEqualTo(2);
    }

    @Test
    void noKafkaTopicBeyondTheDesign() {
        var declared = manifests.custom("KafkaTopic").stream().map(KubernetesManifestsTest::topicName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(declared).containsExactlyInAnyOrderElementsOf(topics());
    }

    @ParameterizedTest
    @MethodSource("services")
    void deploymentRunsTwoProbedBoundedInstances(String service) {
        var deployment = manifests.named(Deployment.class, service).orElseThrow(() -> new AssertionError("no Deployment " + service));
        var spec = deployment.getSpec();
        assertThat(spec.getReplicas()).isEqualTo(2);
        var podLabels = spec.getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(spec.getSelector().getMatchLabels());
        assertThat(podLabels).containsEntry("app.kubernetes.io/part-of", "behalf");

        var containers = spec.getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        Container c = containers.get(0);
        assertThat(c.getImage()).startsWith("behalf/" + service + ":");
        int port = Expected.PORTS.get(service);
        assertThat(c.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(port));

        assertProbe(c, c.getReadinessProbe(), "/q/health/ready", port);
        assertProbe(c, c.getLivenessProbe(), "/q/health/live", port);
        if (c.getStartupProbe() != null) {
            assertProbe(c, c.getStartupProbe(), "/q/health/started", port);
        }

        var res = c.getResources();
        for (String what : List.of("cpu", "memory")) {
            Quantity request = res.getRequests().get(what);
            Quantity limit = res.getLimits().get(what);
            assertThat(request).as("%s request", what).isNotNull();
            assertThat(limit).as("%s limit", what).isNotNull();
            assertThat(Quantity.getAmountInBytes(limit)).as("%s limit >= request", what)
                    .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(request));
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void configurationComesFromItsConfigMapAndSecret(String service) {
        var c = manifests.named(Deployment.class, service).orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
        var configMaps = new ArrayList<ConfigMap>();
        var secrets = new ArrayList<Secret>();
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                configMaps.add(manifests.named(ConfigMap.class, from.getConfigMapRef().getName())
                        .orElseThrow(() -> new AssertionError("missing ConfigMap " + from.getConfigMapRef().getName())));
            }
            if (from.getSecretRef() != null) {
                secrets.add(manifests.named(Secret.class, from.getSecretRef().getName())
                        .orElseThrow(() -> new AssertionError("missing Secret " + from.getSecretRef().getName())));
            }
        }
        assertThat(configMaps).as("ConfigMap of %s", service).hasSize(1);
        assertThat(secrets).as("Secret of %s", service).hasSize(1);

        Map<String, String> config = configMaps.get(0).getData();
        Map<String, String> secret = new HashMap<>(Objects.requireNonNullElse(secrets.get(0).getStringData(), Map.of()));
        assertThat(secrets.get(0).getData()).as("base64 data would hide real values from review: use stringData placeholders")
                .isNullOrEmpty();
        var all = new TreeSet<>(config.keySet());
        all.addAll(secret.keySet());
        assertThat(all).containsAll(Expected.keysOf(service));
        for (String key : Expected.SECRET_KEYS) {
            assertThat(config).as("%s is a secret: Secret, not ConfigMap", key).doesNotContainKey(key);
        }
        assertThat(c.getEnv()).as("env of %s", service)
                .noneSatisfy(e -> assertThat(Expected.SECRET_KEYS).contains(e.getName()));

        // The bootstrap address is Strimzi's bootstrap Service of this Kafka's plain listener.
        var kafka = manifests.custom("Kafka").get(0);
        assertThat(config.get("KAFKA_BOOTSTRAP_SERVERS"))
                .isEqualTo(kafka.getMetadata().getName() + "-kafka-bootstrap:" + plainListenerPort(kafka));
        assertThat(config.get("QUARKUS_DATASOURCE_JDBC_URL"))
                .startsWith("jdbc:postgresql://").endsWith("/" + service.replace('-', '_'));
    }

    @Test
    void secretsHoldPlaceholdersOnly() {
        var secrets = manifests.all(Secret.class);
        assertThat(secrets).hasSize(services().size());
        for (Secret s : secrets) {
            assertThat(s.getStringData()).as("stringData of %s", s.getMetadata().getName()).isNotEmpty();
            s.getStringData().forEach((k, v) ->
                    assertThat(v).as("%s in Secret %s must stay a placeholder", k, s.getMetadata().getName()).isEqualTo(PLACEHOLDER));
        }
    }

    @ParameterizedTest
    @MethodSource("services")
    void serviceAndDisruptionBudgetSelectTheDeploymentsPods(String service) {
        var deployment = manifests.named(Deployment.class, service).orElseThrow();
        var podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        var containerPorts = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts();

        Service svc = manifests.named(Service.class, service).orElseThrow(() -> new AssertionError("no Service " + service));
        assertThat(svc.getSpec().getSelector()).isNotEmpty();
        assertThat(podLabels).containsAllEntriesOf(svc.getSpec().getSelector());
        assertThat(svc.getSpec().getPorts()).anySatisfy(p -> {
            assertThat(p.getPort()).isEqualTo(Expected.PORTS.get(service));
            IntOrString target = p.getTargetPort();
            assertThat(containerPorts).anySatisfy(cp -> assertThat(
                    target.getIntVal() != null ? cp.getContainerPort().equals(target.getIntVal()) : target.getStrVal().equals(cp.getName()))
                    .isTrue());
        });

        var pdbs = manifests.all(PodDisruptionBudget.class).stream()
                .filter(p -> podLabels.entrySet().containsAll(p.getSpec().getSelector().getMatchLabels().entrySet()))
                .toList();
        assertThat(pdbs).as("PodDisruptionBudget of %s", service).hasSize(1);
        var pdb = pdbs.get(0).getSpec();
        int replicas = deployment.getSpec().getReplicas();
        // At least one instance stays up during a drain, and a drain is still possible.
        if (pdb.getMinAvailable() != null) {
            assertThat(pdb.getMinAvailable().getIntVal()).isBetween(1, replicas - 1);
        } else {
            assertThat(pdb.getMaxUnavailable().getIntVal()).isBetween(1, replicas - 1);
        }
    }

    @Test
    void everyDeploymentHasItsDisruptionBudget() {
        assertThat(manifests.all(PodDisruptionBudget.class)).hasSameSizeAs(manifests.all(Deployment.class));
        assertThat(manifests.all(Deployment.class).stream().map(d -> d.getMetadata().getName()))
                .containsExactlyInAnyOrderElementsOf(services());
    }

    private static void assertProbe(Container c, Probe probe, String path, int port) {
        assertThat(probe).as("%s probe of %s", path, c.getName()).isNotNull();
        assertThat(probe.getHttpGet()).as("%s is an HTTP probe", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        IntOrString p = probe.getHttpGet().getPort();
        int resolved = p.getIntVal() != null ? p.getIntVal()
                : c.getPorts().stream().filter(cp -> p.getStrVal().equals(cp.getName())).findFirst()
                        .orElseThrow(() -> new AssertionError("probe port " + p.getStrVal() + " is no container port")).getContainerPort();
        assertThat(resolved).as("%s probe port", path).isEqualTo(port);
    }

    private static String topicName(GenericKubernetesResource t) {
        String name = t.get("spec", "topicName");
        return name != null ? name : t.getMetadata().getName();
    }

    private static int replicasWithRole(List<GenericKubernetesResource> pools, String role) {
        return pools.stream()
                .filter(p -> p.<List<?>>get("spec", "roles").contains(role))
                .mapToInt(p -> asInt(p.get("spec", "replicas")))
                .sum();
    }

    private static int plainListenerPort(GenericKubernetesResource kafka) {
        List<Map<String, Object>> listeners = kafka.get("spec", "kafka", "listeners");
        return listeners.stream()
                .filter(l -> "internal".equals(l.get("type")) && Boolean.FALSE.equals(l.get("tls")))
                .mapToInt(l -> asInt(l.get("port")))
                .findFirst().orElseThrow(() -> new AssertionError("no plain internal listener"));
    }

    private static int asInt(Object value) {
        assertThat(value).isNotNull();
        return value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString());
    }
}
