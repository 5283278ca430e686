import { beforeAll, expect } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import type { CloudDevice, CloudGroup, Credentials, DeviceHistoryEntry } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import { ALICE, GSM, HEATER, LAMP, STRIP, UNBOUND, type WireTap } from './fixture';
import { describeWireCases, useWireEnv, type WireCase } from './wire-harness';

/*
 * The conformance rows of the device-management operations: adding (Wi-Fi, GSM), deleting,
 * renaming, channel names, history, and groups. wire-harness.ts says what each row checks.
 * Rows share one sim and run in order, so each works on devices and groups of its own.
 */

const wire = useWireEnv();
let sim: Sim;
let tap: WireTap;
let client: EwelinkClient;
beforeAll(() => ({ sim, tap, client } = wire()));

const unbound = (i: number) => UNBOUND[i] ?? { deviceid: '', devicekey: '' };

async function deviceIn(creds: Credentials, deviceid: string): Promise<CloudDevice | undefined> {
  return (await client.devices(creds, { getTags: true })).find((d) => d.deviceid === deviceid);
}

async function groupNamed(creds: Credentials, name: string): Promise<CloudGroup | undefined> {
  return (await client.groups(creds)).find((g) => g.name === name);
}

const nowSec = () => Math.floor(Date.now() / 1000);

const cases: WireCase[] = [
  {
    operation: 'addDevice (the device apikey pairing reported; isSub 0 by default)',
    act: ({ creds }) => client.addDevice(creds, { deviceid: unbound(0).deviceid, apikey: unbound(0).devicekey, name: 'Hall light' }),
    method: 'POST',
    path: '/api/user/device/add',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ deviceid: unbound(0).deviceid, apikey: unbound(0).devicekey, name: 'Hall light', isSub: 0 }),
    absent: ['chipid', 'subDeviceId'],
    result(value) {
      const device = value as CloudDevice;
      expect(device).toMatchObject({ deviceid: unbound(0).deviceid, name: 'Hall light', apikey: ALICE.apikey, uiid: 1 });
      expect(device['devicekey']).toBe(unbound(0).devicekey);
      expect(sim.device(unbound(0).deviceid).ownerApikey).toBe(ALICE.apikey);
    },
  },
  {
    operation: 'addDevice with a chipid',
    act: ({ creds }) => client.addDevice(creds, { deviceid: unbound(1).deviceid, apikey: unbound(1).devicekey, name: 'Porch', chipid: 'c0ffee' }),
    method: 'POST',
    path: '/api/user/device/add',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ deviceid: unbound(1).deviceid, apikey: unbound(1).devicekey, name: 'Porch', isSub: 0, chipid: 'c0ffee' }),
    result: (value) => expect(value).toMatchObject({ deviceid: unbound(1).deviceid, name: 'Porch', uiid: 4 }),
  },
  {
    operation: 'addGsmDevice',
    act: ({ creds }) => client.addGsmDevice(creds, { id: GSM.free1, name: 'Gate' }),
    method: 'POST',
    path: '/api/user/device/addGsm',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ id: GSM.free1, name: 'Gate' }),
    result(value) {
      const device = value as CloudDevice;
      expect(device).toMatchObject({ deviceid: '4000000001', name: 'Gate', apikey: ALICE.apikey, uiid: 24 });
      expect(sim.device('4000000001').ownerApikey).toBe(ALICE.apikey);
    },
  },
  {
    operation: 'deleteDevice (DELETE, fields in the query)',
    prepare: ({ creds }) => client.addDevice(creds, { deviceid: unbound(2).deviceid, apikey: unbound(2).devicekey, name: 'Spare' }),
    act: ({ creds }) => client.deleteDevice(creds, unbound(2).deviceid),
    method: 'DELETE',
    path: `/api/user/device/${UNBOUND[2]?.deviceid}`,
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds }) => ({ deviceid: unbound(2).deviceid, apikey: creds.apikey, isSub: '0' }),
    absent: ['subDeviceId'],
    rawLine: /^DELETE \/eu\/api\/user\/device\/3000000003\?/,
    async result(value, { creds }) {
      expect(value).toBeUndefined();
      expect(() => sim.device(unbound(2).deviceid)).toThrow();
      expect(await deviceIn(creds, unbound(2).deviceid)).toBeUndefined();
    },
  },
  {
    operation: 'renameDevice (group "" by default)',
    act: ({ creds }) => client.renameDevice(creds, HEATER, 'Radiator'),
    method: 'POST',
    path: `/api/user/device/${HEATER}`,
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds }) => ({ deviceid: HEATER, apikey: creds.apikey, name: 'Radiator', group: '' }),
    async result(value, { creds }) {
      expect(value).toBeUndefined();
      expect(sim.device(HEATER).name).toBe('Radiator');
      expect((await deviceIn(creds, HEATER))?.name).toBe('Radiator');
    },
  },
  {
    operation: 'setChannelNames (the ck_channel_name tag)',
    act: ({ creds }) => client.setChannelNames(creds, STRIP, { '0': 'Kitchen', '1': 'Hall' }),
    method: 'POST',
    path: '/api/user/tags',
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds }) => ({ deviceid: STRIP, apikey: creds.apikey, key: 'ck_channel_name', value: { '0': 'Kitchen', '1': 'Hall' } }),
    async result(value, { creds }) {
      expect(value).toBeUndefined();
      expect((await deviceIn(creds, STRIP))?.tags?.['ck_channel_name']).toEqual({ '0': 'Kitchen', '1': 'Hall' });
    },
  },
  {
    operation: 'deviceHistory with a range and a page (endTime, pageSize, currentPage as strings, as the spec types them)',
    async prepare({ creds }) {
      await client.setStatus(creds, LAMP, { switch: 'on' });
      await client.setStatus(creds, LAMP, { switch: 'off' });
      sim.reportFromDevice(LAMP, { switch: 'on' });
      return { from: nowSec() - 60, to: nowSec() + 60 };
    },
    act: ({ creds, data }) => client.deviceHistory(creds, LAMP, { startTime: data.from, endTime: data.to, pageSize: 2, currentPage: 1 }),
    method: 'POST',
    path: '/api/user/deviceHistory',
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds, data }) => ({ deviceid: LAMP, apikey: creds.apikey, startTime: data.from, endTime: String(data.to), pageSize: '2', currentPage: '1' }),
    result(value) {
      // Newest first: the device's own press, then alice's "off"; opsSwitchs and request parsed from their JSON strings.
      const [pressed, switchedOff, ...rest] = value as DeviceHistoryEntry[];
      expect(rest).toEqual([]);
      expect(pressed).toMatchObject({ userAgent: 'device', deviceid: LAMP, apikey: ALICE.apikey, opsSwitchs: [{ switch: 'on' }], subType: 0, type: 0 });
      expect(pressed?.opsAccount).toBeUndefined();
      expect(pressed?.request).toMatchObject({ action: 'update', deviceid: LAMP, userAgent: 'device', params: { switch: 'on' } });
      expect(switchedOff).toMatchObject({ userAgent: 'app', opsAccount: ALICE.email, apikey: ALICE.apikey, opsSwitchs: [{ switch: 'off' }] });
      expect(switchedOff?.request).toMatchObject({ action: 'update', userAgent: 'app', params: { switch: 'off' } });
      for (const entry of [pressed, switchedOff]) {
        expect(entry?.hid).toMatch(new RegExp(`_${LAMP}$`));
        expect(Date.parse(entry?.opsTime ?? '')).toBeGreaterThan(Date.now() - 60_000);
        expect(String(entry?.opsDate)).toBe((entry?.opsTime ?? '').slice(0, 10).replaceAll('-', ''));
        expect(entry?.ttlTime).toBeGreaterThan(nowSec() + 89 * 24 * 3600);
      }
    },
  },
  {
    operation: 'deviceHistory without a range: every record, and no range fields sent',
    act: ({ creds }) => client.deviceHistory(creds, LAMP),
    method: 'POST',
    path: '/api/user/deviceHistory',
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds }) => ({ deviceid: LAMP, apikey: creds.apikey }),
    absent: ['startTime', 'endTime', 'pageSize', 'currentPage'],
    result: (value) => expect((value as DeviceHistoryEntry[]).map((e) => e.userAgent)).toEqual(['device', 'app', 'app']),
  },
  {
    operation: 'createGroup',
    act: ({ creds }) => client.createGroup(creds, 'Garden', 3),
    method: 'POST',
    path: '/api/group',
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds }) => ({ index: 3, name: 'Garden', groupType: 0, apikey: creds.apikey }),
    async result(value, { creds }) {
      expect(value).toMatch(/^\w+$/);
      expect(await groupNamed(creds, 'Garden')).toMatchObject({ id: value, index: 3 });
    },
  },
  {
    operation: 'groups (GET, groupType=0)',
    async prepare({ creds }) {
      await client.createGroup(creds, 'Upstairs', 2);
      await client.createGroup(creds, 'Downstairs', 1);
    },
    act: ({ creds }) => client.groups(creds),
    method: 'GET',
    path: '/api/group',
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds }) => ({ groupType: '0', apikey: creds.apikey }),
    result(value) {
      const groups = value as CloudGroup[];
      expect(groups.map((g) => g.name)).toEqual(['Downstairs', 'Upstairs', 'Garden']);
      for (const group of groups) {
        expect(group.id).toMatch(/^\w+$/);
        expect(Date.parse(group.createdAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
      }
    },
  },
  {
    operation: 'updateGroup (PUT, fields in the body)',
    prepare: ({ creds }) => client.createGroup(creds, 'Loft', 5),
    act: ({ creds, data }) => client.updateGroup(creds, data, { name: 'Attic', index: 7 }),
    method: 'PUT',
    path: '/api/group',
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds, data }) => ({ id: data, index: 7, name: 'Attic', groupType: 0, apikey: creds.apikey }),
    async result(value, { creds, data }) {
      expect(value).toBeUndefined();
      expect(await groupNamed(creds, 'Attic')).toMatchObject({ id: data, index: 7 });
      expect(await groupNamed(creds, 'Loft')).toBeUndefined();
    },
  },
  {
    operation: 'moveDevices: one device from group to group, another into a group',
    async prepare({ creds }) {
      const from = await client.createGroup(creds, 'Hall', 8);
      const to = await client.createGroup(creds, 'Study', 9);
      await client.moveDevices(creds, [{ deviceid: LAMP, to: from }]);
      return { from, to };
    },
    act: ({ creds, data }) => client.moveDevices(creds, [{ deviceid: LAMP, from: data.from, to: data.to }, { deviceid: STRIP, to: data.from }]),
    method: 'POST',
    path: '/api/group/addDevice',
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds, data }) => ({
      deviceinfos: [
        { source_id: data.from, target_id: data.to, deviceid: LAMP, type: 1 },
        { source_id: '', target_id: data.from, deviceid: STRIP, type: 1 },
      ],
      groupType: 0,
      apikey: creds.apikey,
    }),
    async result(value, { creds, data }) {
      expect(value).toBeUndefined();
      expect((await deviceIn(creds, LAMP))?.['groups']).toEqual([data.to]);
      expect((await deviceIn(creds, STRIP))?.['groups']).toEqual([data.from]);
    },
  },
  {
    operation: 'moveDevices without a target: out of the group',
    async prepare({ creds }) {
      const group = await client.createGroup(creds, 'Cellar', 10);
      await client.moveDevices(creds, [{ deviceid: HEATER, to: group }]);
      return group;
    },
    act: ({ creds, data }) => client.moveDevices(creds, [{ deviceid: HEATER, from: data }]),
    method: 'POST',
    path: '/api/group/addDevice',
    region: 'eu',
    auth: 'bearer',
    fields: ({ data }) => ({ deviceinfos: [{ source_id: data, target_id: '', deviceid: HEATER, type: 1 }], groupType: 0 }),
    async result(value, { creds }) {
      expect(value).toBeUndefined();
      expect((await deviceIn(creds, HEATER))?.['groups']).toEqual([]);
    },
  },
  {
    operation: 'deleteGroup (DELETE, id and type=0 in the query): its devices are ungrouped',
    async prepare({ creds }) {
      const group = await client.createGroup(creds, 'Shed', 11);
      await client.moveDevices(creds, [{ deviceid: unbound(1).deviceid, to: group }]);
      return group;
    },
    act: ({ creds, data }) => client.deleteGroup(creds, data),
    method: 'DELETE',
    path: '/api/group',
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds, data }) => ({ id: data, type: '0', apikey: creds.apikey }),
    async result(value, { creds }) {
      expect(value).toBeUndefined();
      expect(await groupNamed(creds, 'Shed')).toBeUndefined();
      expect((await deviceIn(creds, unbound(1).deviceid))?.['groups']).toEqual([]);
    },
  },
];

describeWireCases('wire format per device-management operation', () => ({ sim, tap, client }), cases);
