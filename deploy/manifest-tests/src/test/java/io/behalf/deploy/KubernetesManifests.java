package io.behalf.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every resource of deploy/kubernetes, read with the fabric8 model: known kinds become typed objects
 * (a misspelt field of a Deployment fails here as it would in kubectl), Strimzi's custom resources
 * become {@link GenericKubernetesResource}.
 */
final class KubernetesManifests {
    static final String KUSTOMIZATION = "kustomization.yaml";

    final Path dir;
    final List<Loaded> resources = new ArrayList<>();

    record Loaded(Path file, HasMetadata resource) {
    }

    private KubernetesManifests(Path dir) {
        this.dir = dir;
    }

    static KubernetesManifests load() {
        var manifests = new KubernetesManifests(Expected.deployDir().resolve("kubernetes"));
        var serialization = new KubernetesSerialization();
        for (Path file : manifests.files()) {
            try (InputStream in = Files.newInputStream(file)) {
                Object parsed = serialization.unmarshal(in);
                for (Object o : flatten(parsed, file)) {
                    manifests.resources.add(new Loaded(file, (HasMetadata) o));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return manifests;
    }

    /** The manifest files of the folder (every *.yaml but the kustomization). */
    List<Path> files() {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
                    .filter(p -> !p.getFileName().toString().equals(KUSTOMIZATION))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<?> flatten(Object parsed, Path file) {
        if (parsed instanceof KubernetesList list) {
            return list.getItems();
        }
        if (parsed instanceof List<?> list) {
            return list;
        }
        if (parsed instanceof HasMetadata) {
            return List.of(parsed);
        }
        throw new AssertionError(file + " is not a Kubernetes resource: " + parsed);
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return resources.stream().map(Loaded::resource).filter(type::isInstance).map(type::cast).toList();
    }

    List<GenericKubernetesResource> custom(String kind) {
        return all(GenericKubernetesResource.class).stream().filter(r -> kind.equals(r.getKind())).toList();
    }

    <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
        return all(type).stream().filter(r -> name.equals(r.getMetadata().getName())).findFirst();
    }
}
