/**
 * A small pcap writer for tests: Ethernet/IPv4 frames carrying UDP (DNS queries and responses, built
 * byte by byte per RFC 1035) and TCP, so real tshark and nfpcapd have known traffic to read.
 */
export interface Packet {
  /** Seconds since the epoch (with fraction). */
  ts: number;
  frame: Buffer;
}

const ip4 = (s: string) => Buffer.from(s.split('.').map(Number));

function checksum(b: Buffer): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) + (i + 1 < b.length ? b[i + 1] : 0);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return ~s & 0xffff;
}

function ipv4(src: string, dst: string, proto: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h[8] = 64;
  h[9] = proto;
  ip4(src).copy(h, 12);
  ip4(dst).copy(h, 16);
  h.writeUInt16BE(checksum(h), 10);
  return Buffer.concat([h, payload]);
}

function ethernet(payload: Buffer): Buffer {
  const h = Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
  return Buffer.concat([h, payload]);
}

export function udpFrame(src: string, dst: string, sport: number, dport: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(8 + data.length, 4);
  return ethernet(ipv4(src, dst, 17, Buffer.concat([h, data])));
}

/** flags: 0x02 SYN, 0x10 ACK, 0x12 SYN+ACK, 0x18 PSH+ACK, 0x11 FIN+ACK. */
export function tcpFrame(src: string, dst: string, sport: number, dport: number, flags: number, seq: number, data = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(seq, 4);
  h[12] = 0x50;
  h[13] = flags;
  h.writeUInt16BE(65535, 14);
  return ethernet(ipv4(src, dst, 6, Buffer.concat([h, data])));
}

function qname(name: string): Buffer {
  return Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
}

/** A DNS message: a query (response false) or a response with rcode and A answers. */
export function dnsMessage(id: number, name: string, qtype: number, response: boolean, rcode = 0, answers: string[] = []): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(response ? 0x8180 | rcode : 0x0100, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(answers.length, 6);
  const question = Buffer.concat([qname(name), Buffer.from([0, qtype, 0, 1])]);
  const records = answers.map((a) => {
    const r = Buffer.alloc(12);
    r.writeUInt16BE(0xc00c, 0);
    r.writeUInt16BE(1, 2);
    r.writeUInt16BE(1, 4);
    r.writeUInt32BE(300, 6);
    r.writeUInt16BE(4, 10);
    return Buffer.concat([r, ip4(a)]);
  });
  return Buffer.concat([h, question, ...records]);
}

/** The classic libpcap file (microsecond times, Ethernet). */
export function pcapFile(packets: readonly Packet[]): Buffer {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  const parts: Buffer[] = [header];
  for (const p of packets) {
    const r = Buffer.alloc(16);
    const micros = Math.round(p.ts * 1e6);
    r.writeUInt32LE(Math.floor(micros / 1e6), 0);
    r.writeUInt32LE(micros % 1e6, 4);
    r.writeUInt32LE(p.frame.length, 8);
    r.writeUInt32LE(p.frame.length, 12);
    parts.push(r, p.frame);
  }
  return Buffer.concat(parts);
}
