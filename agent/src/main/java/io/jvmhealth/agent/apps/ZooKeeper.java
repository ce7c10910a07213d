package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A ZooKeeper server ({@code zkServer.sh}: main class {@code QuorumPeerMain}, which also runs standalone servers, or
 * {@code ZooKeeperServerMain}; a main class that starts either; at attach, its server classes loaded): ready while it
 * serves, standalone or as a member of its quorum (leader, follower, observer), as its own MBeans say (see
 * {@link ZooKeeperGate}). Its AdminServer is Jetty, and it can serve clients through Netty: this gate covers theirs.
 */
final class ZooKeeper extends Recognizer {

    @Override
    public Set<String> covers() {
        return new HashSet<String>(Arrays.asList("jetty", "netty"));
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new ZooKeeperGate(this, context));
    }
}
