import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeviceCache } from '../../lib/store/devices';
import type { CachedDevice } from '../../lib/devices/model';
import { freshTable, scanTable, type FreshTable } from '../support/dynamo';

function device(deviceid: string, online = true): CachedDevice {
  return { deviceid, name: `lamp ${deviceid}`, uiid: 1, apikey: 'owner-apikey', online };
}

describe('DynamoDeviceCache', () => {
  let table: FreshTable;
  let devices: DynamoDeviceCache;

  beforeEach(async () => {
    table = await freshTable();
    devices = new DynamoDeviceCache({ client: table.documentClient, tableName: table.tableName });
  });

  it('returns undefined for an account with no cached list', async () => {
    // Act
    const cached = await devices.get('alice');

    // Assess
    expect(cached).toBeUndefined();
  });

  it('stores a device list and reads it back whole', async () => {
    // Prepare
    const list: CachedDevice[] = [
      device('1000000001'),
      { ...device('1000000002', false), uiid: 77, channels: 4, params: { switches: [{ switch: 'on', outlet: 0 }], fwVersion: '3.5.0' } },
    ];

    // Act
    const stored = await devices.put('alice', list, 600, 1_700_000_000_000);
    const cached = await devices.get('alice', 1_700_000_000_000);

    // Assess
    expect(stored).toEqual({ devices: list, fetchedAt: 1_700_000_000_000 });
    expect(cached).toEqual(stored);
  });

  it("forgets an account's list, and only that account's", async () => {
    // Prepare
    await devices.put('alice', [device('1000000001')], 600);
    await devices.put('bob', [device('1000000002')], 600);

    // Act
    await devices.forget('alice');
    await devices.forget('carol');

    // Assess
    expect(await devices.get('alice')).toBeUndefined();
    expect((await devices.get('bob'))?.devices).toEqual([device('1000000002')]);
  });

  it('writes the TTL attribute in epoch seconds', async () => {
    // Act
    await devices.put('alice', [device('1000000001')], 600, 1_700_000_000_000);

    // Assess
    const [item] = await scanTable(table);
    expect(item).toMatchObject({ pk: 'ACCOUNT#alice', sk: 'DEVICES', expiresAt: 1_700_000_600 });
  });

  it('treats a list past its TTL as absent, even before DynamoDB deletes it', async () => {
    // Prepare
    await devices.put('alice', [device('1000000001')], 600, 1_700_000_000_000);

    // Act
    const justBefore = await devices.get('alice', 1_700_000_599_999);
    const after = await devices.get('alice', 1_700_000_600_000);

    // Assess
    expect(justBefore).toBeDefined();
    expect(after).toBeUndefined();
  });

  it('replaces the list on a new put', async () => {
    // Prepare
    await devices.put('alice', [device('1000000001'), device('1000000002')], 600, 1_000);

    // Act
    await devices.put('alice', [device('1000000003')], 600, 2_000);

    // Assess
    expect(await devices.get('alice', 2_000)).toEqual({ devices: [device('1000000003')], fetchedAt: 2_000 });
  });

  it("flips one device's online flag and leaves the rest as they were", async () => {
    // Prepare
    const now = Date.now();
    await devices.put('alice', [device('1000000001'), device('1000000002')], 600, now);

    // Act
    const updated = await devices.setOnline('alice', '1000000002', false);

    // Assess
    expect(updated).toBe(true);
    expect((await devices.get('alice'))?.devices).toEqual([device('1000000001'), device('1000000002', false)]);
  });

  it('reports false for a device not in the list, or an account with no list', async () => {
    // Prepare
    await devices.put('alice', [device('1000000001')], 600);

    // Act
    const unknownDevice = await devices.setOnline('alice', '1000000009', false);
    const unknownAccount = await devices.setOnline('bob', '1000000001', false);

    // Assess
    expect(unknownDevice).toBe(false);
    expect(unknownAccount).toBe(false);
    expect(await devices.get('bob')).toBeUndefined();
  });

  it('keeps every update when several devices change at once', async () => {
    // Prepare
    const ids = ['1000000001', '1000000002', '1000000003', '1000000004', '1000000005'];
    await devices.put('alice', ids.map((id) => device(id, true)), 600);

    // Act
    const results = await Promise.all(ids.map((id) => devices.setOnline('alice', id, false)));

    // Assess
    expect(results).toEqual([true, true, true, true, true]);
    expect((await devices.get('alice'))?.devices.map((d) => d.online)).toEqual([false, false, false, false, false]);
  });

  it('finds the device again after a put moved it in the list', async () => {
    // Prepare
    await devices.put('alice', [device('1000000001'), device('1000000002')], 600);
    await devices.put('alice', [device('1000000003'), device('1000000002'), device('1000000001')], 600);

    // Act
    const updated = await devices.setOnline('alice', '1000000001', false);

    // Assess
    expect(updated).toBe(true);
    expect((await devices.get('alice'))?.devices.map((d) => [d.deviceid, d.online])).toEqual([
      ['1000000003', true],
      ['1000000002', true],
      ['1000000001', false],
    ]);
  });
});
