package io.jvmhealth.agent.apps;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What ZooKeeper's MBean names say, as measured on ZooKeeper 3.9.5 (docs/gates.md). */
class ZooKeeperGateTest {
    private static List<ObjectName> names(String... names) throws Exception {
        List<ObjectName> list = new ArrayList<>();
        for (String n : names) {
            list.add(new ObjectName("org.apache.ZooKeeperService:" + n));
        }
        return list;
    }

    @Test
    void aStandaloneServerServesOnceItsDataTreeIsRegistered() throws Exception {
        ZooKeeperGate.State s = ZooKeeperGate.State.of(names("name0=StandaloneServer_port2181"));
        assertFalse(s.serving);
        assertTrue(s.why.contains("data tree is not"), s.why);
        s = ZooKeeperGate.State.of(names("name0=StandaloneServer_port2181", "name0=StandaloneServer_port2181,name1=InMemoryDataTree"));
        assertTrue(s.serving);
        assertEquals("standalone", s.mode);
        assertEquals(2181, s.clientPort);
        assertFalse(ZooKeeperGate.State.of(names()).serving);
    }

    @Test
    void aQuorumPeerServesAsLeaderFollowerOrObserverNotInLeaderElection() throws Exception {
        String peer = "name0=ReplicatedServer_id2,name1=replica.2";
        ZooKeeperGate.State s = ZooKeeperGate.State.of(names("name0=ReplicatedServer_id2", "name0=ReplicatedServer_id2,name1=replica.1",
                peer, peer + ",name2=LeaderElection"));
        assertFalse(s.serving);
        assertEquals("peer 2 has not joined its quorum (in leader election)", s.why);
        s = ZooKeeperGate.State.of(names("name0=ReplicatedServer_id2", peer, peer + ",name2=Follower"));
        assertFalse(s.serving, "joined, its server not running yet");
        s = ZooKeeperGate.State.of(names("name0=ReplicatedServer_id2", peer, peer + ",name2=Follower",
                peer + ",name2=Follower,name3=InMemoryDataTree"));
        assertTrue(s.serving);
        assertEquals("follower", s.mode);
        s = ZooKeeperGate.State.of(names(peer + ",name2=Leader", peer + ",name2=Leader,name3=InMemoryDataTree"));
        assertEquals("leader", s.mode);
    }
}
