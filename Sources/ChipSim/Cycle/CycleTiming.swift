/// What the cycle-level engine (`--timing cycle`) times: the routers, links, DMA and the cores'
/// queues. Every number is a setting of the target (`timing:` in `configs/*.yaml`); the defaults
/// and their sources are in `docs/hardware.md` ("The cycle engine"). Times are converted to CPU
/// cycles of the chip's clock, the engine's unit.
public struct CycleTiming: Codable, Equatable, Sendable {
    /// The router's clock, Hz. Default 133 MHz (SCAMP's PLL set-up).
    public var routerClockHz: Double = 133e6
    /// Router cycles from a packet's arrival to its leaving: the pipeline. Default 5 (TickySim's
    /// five-stage router).
    public var routerPipelineCycles: Int = 5
    /// Time to send one 40-bit packet over a chip-to-chip link, ns. Default 160 (TickySim).
    public var linkPacketNs: Double = 160
    /// Time of flight over a link, ns. Default 20 (uncertain: not measured in any source read).
    public var linkLatencyNs: Double = 20
    /// Packets an output link port holds while it sends. Default 8.
    public var linkBufferPackets: Int = 8
    /// Router cycles to hand a packet to a core on the chip. Default 1.
    public var coreDeliveryCycles: Int = 1
    /// CPU cycles of the fast interrupt that takes a packet from the core's communications
    /// controller into its input buffer: the rate at which a core drains its router port.
    /// Default 40 (an estimate: about 25 instructions with interrupt entry and exit).
    public var packetReceiveCycles: Int = 40
    /// Packets a router's port to a core holds (the communications controller's receive
    /// register). Default 1.
    public var corePortPackets: Int = 1
    /// Packets a core's transmit queue holds before its sender stalls (spin1's TX queue). Default 16.
    public var transmitQueuePackets: Int = 16
    /// SDRAM bandwidth per chip shared by its cores' DMA, bytes/s. Default 10^9 (the datasheet's
    /// "over 1 Gbyte/s sustained").
    public var sdramBytesPerSecond: Double = 1e9
    /// Ticks of neuron updates a core can have queued behind the running one before it loses one
    /// (spin1's task queue of 16). Default 16.
    public var backgroundQueueDepth: Int = 16
    /// Bits of the tick carried in each key, with which a receiver corrects a spike that arrives
    /// late (sPyNNaker's `n_colour_bits`). Default 4.
    public var colourBits: Int = 4
    /// Whether the monitor core re-injects packets the routers drop (FEC's extra monitor, on by
    /// default), after `reinjectionDelayNs` (its 10 µs timer), with a queue of
    /// `reinjectionQueuePackets` (4096).
    public var reinjection: Bool = true
    public var reinjectionDelayNs: Double = 10_000
    public var reinjectionQueuePackets: Int = 4096

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CycleTiming()
        routerClockHz = try c.decodeIfPresent(Double.self, forKey: .routerClockHz) ?? d.routerClockHz
        routerPipelineCycles = try c.decodeIfPresent(Int.self, forKey: .routerPipelineCycles) ?? d.routerPipelineCycles
        linkPacketNs = try c.decodeIfPresent(Double.self, forKey: .linkPacketNs) ?? d.linkPacketNs
        linkLatencyNs = try c.decodeIfPresent(Double.self, forKey: .linkLatencyNs) ?? d.linkLatencyNs
        linkBufferPackets = try c.decodeIfPresent(Int.self, forKey: .linkBufferPackets) ?? d.linkBufferPackets
        coreDeliveryCycles = try c.decodeIfPresent(Int.self, forKey: .coreDeliveryCycles) ?? d.coreDeliveryCycles
        packetReceiveCycles = try c.decodeIfPresent(Int.self, forKey: .packetReceiveCycles) ?? d.packetReceiveCycles
        corePortPackets = try c.decodeIfPresent(Int.self, forKey: .corePortPackets) ?? d.corePortPackets
        transmitQueuePackets = try c.decodeIfPresent(Int.self, forKey: .transmitQueuePackets) ?? d.transmitQueuePackets
        sdramBytesPerSecond = try c.decodeIfPresent(Double.self, forKey: .sdramBytesPerSecond) ?? d.sdramBytesPerSecond
        backgroundQueueDepth = try c.decodeIfPresent(Int.self, forKey: .backgroundQueueDepth) ?? d.backgroundQueueDepth
        colourBits = try c.decodeIfPresent(Int.self, forKey: .colourBits) ?? d.colourBits
        reinjection = try c.decodeIfPresent(Bool.self, forKey: .reinjection) ?? d.reinjection
        reinjectionDelayNs = try c.decodeIfPresent(Double.self, forKey: .reinjectionDelayNs) ?? d.reinjectionDelayNs
        reinjectionQueuePackets = try c.decodeIfPresent(Int.self, forKey: .reinjectionQueuePackets) ?? d.reinjectionQueuePackets
    }

    /// Why these settings cannot be simulated, if they cannot.
    public var problem: String? {
        let positives: [(String, Double)] = [
            ("router_clock_mhz", routerClockHz), ("link_packet_ns", linkPacketNs), ("sdram_bytes_per_second", sdramBytesPerSecond),
        ]
        if let (what, v) = positives.first(where: { !($0.1 > 0 && $0.1 <= 1e12) }) { return "timing \(what) of \(v); expected > 0" }
        let counts: [(String, Int, ClosedRange<Int>)] = [
            ("router_pipeline_cycles", routerPipelineCycles, 0...1_000_000), ("link_buffer_packets", linkBufferPackets, 1...1_000_000),
            ("core_delivery_cycles", coreDeliveryCycles, 0...1_000_000), ("packet_receive_cycles", packetReceiveCycles, 1...1_000_000),
            ("core_port_packets", corePortPackets, 1...1_000_000), ("transmit_queue_packets", transmitQueuePackets, 1...1_000_000),
            ("background_queue_depth", backgroundQueueDepth, 0...1_000_000), ("colour_bits", colourBits, 0...16),
            ("reinjection_queue_packets", reinjectionQueuePackets, 0...1_000_000),
        ]
        if let (what, v, range) = counts.first(where: { !$0.2.contains($0.1) }) { return "timing \(what) of \(v); expected \(range)" }
        if !(linkLatencyNs >= 0 && linkLatencyNs <= 1e9 && reinjectionDelayNs >= 0 && reinjectionDelayNs <= 1e9) {
            return "a timing delay outside 0...10^9 ns"
        }
        return nil
    }
}
