package io.meshns.service;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.meshns.cluster.DataPlane;
import io.meshns.cluster.LiveReader;

/** The clusters a change acts on, and what one read found in each: the namespace, its injectors, its pods. */
record Look(List<DataPlane> clusters, Map<String, LiveReader.Live> live) {

    LiveReader.Live of(DataPlane cluster) {
        return live.get(cluster.name());
    }

    /** The clusters that answered the read; the others are not labelled. */
    List<DataPlane> readable() {
        return clusters.stream().filter(cluster -> of(cluster).failure() == null).toList();
    }

    Set<String> names() {
        return clusters.stream().map(DataPlane::name).collect(Collectors.toCollection(TreeSet::new));
    }
}
