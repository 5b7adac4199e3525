const SHARDS = 32;

/**
 * A map from customer id, split in 32 by a hash of the id's last characters. A Map grows by copying
 * every entry into a table twice the size, in one step: at 1,000,000 customers the index's map did
 * so at 262,144 and 524,288 ids, holding the event loop 87–148 ms each time while a store opened
 * (issue 14). Split, each copy is a 32nd of that.
 */
export class IdMap<V> {
  private readonly shards = Array.from({ length: SHARDS }, () => new Map<string, V>());
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: string): V | undefined {
    return this.shardOf(id).get(id);
  }

  set(id: string, value: V): void {
    const shard = this.shardOf(id);
    const before = shard.size;
    shard.set(id, value);
    this.count += shard.size - before;
  }

  delete(id: string): boolean {
    const gone = this.shardOf(id).delete(id);
    if (gone) this.count--;
    return gone;
  }

  clear(): void {
    for (const shard of this.shards) shard.clear();
    this.count = 0;
  }

  private shardOf(id: string): Map<string, V> {
    // Ids end in random characters (UUIDs) or a count, whatever made them: their last eight are mixed.
    let h = 0;
    for (let i = Math.max(0, id.length - 8); i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
    return this.shards[(h >>> 0) % SHARDS] as Map<string, V>;
  }
}
