import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, startHarness, type Harness } from '../../support/bridge';
import { expectInvalid } from '../../support/refusals';

describe('group routes', () => {
  let h: Harness;
  let kitchen: string;
  let hall: string;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  /** The groups as the simulated cloud holds them now. */
  const cloudGroups = () => h.parts.keeper.withCredentials(ACCOUNT, (creds) => h.parts.client.groups(creds));
  /** Which groups the cloud's device list puts a device in. */
  const cloudMembership = async (deviceid: string) =>
    (await h.parts.keeper.withCredentials(ACCOUNT, (creds) => h.parts.client.devices(creds))).find((d) => d.deviceid === deviceid)?.groups;

  describe('POST /groups', () => {
    it('creates groups, each after the last unless an index is given', async () => {
      // Act
      const first = await h.call('POST', '/groups', { body: { name: 'Kitchen' } });
      const second = await h.call('POST', '/groups', { body: { name: 'Hall' } });
      const third = await h.call('POST', '/groups', { body: { name: 'Attic', index: 7 } });
      // Assess
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ id: expect.any(String), name: 'Kitchen', index: 0, createdAt: expect.any(String), deviceids: [] });
      expect(second.body.index).toBe(1);
      expect(third.body.index).toBe(7);
      kitchen = first.body.id;
      hall = second.body.id;
      expect((await cloudGroups()).map((g) => [g.name, g.index])).toEqual([
        ['Kitchen', 0],
        ['Hall', 1],
        ['Attic', 7],
      ]);
    });

    it('answers the new group in the same shape as GET /groups lists it, createdAt included', async () => {
      // Act
      const made = await h.call('POST', '/groups', { body: { name: 'Porch', index: 9 } });
      // Assess
      expect(made.status).toBe(201);
      const listed = (await h.call('GET', '/groups')).body.groups.find((g: { id: string }) => g.id === made.body.id);
      expect(listed).toHaveProperty('createdAt');
      expect(made.body).toEqual(listed);
      expect(await h.call('DELETE', `/groups/${made.body.id}`)).toMatchObject({ status: 204 });
    });

    it.each([
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ name: 'Den', index: -1 }, 'index'],
      [{ name: 'Den', index: 1.5 }, 'index'],
      [{ name: 'Den', index: '2' }, 'index'],
      [{ name: 'Den', colour: 'red' }, 'colour'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await expectInvalid(h, 'POST', '/groups', { body }, field);
    });
  });

  describe('GET /groups', () => {
    it('lists the groups in order, with their devices', async () => {
      const res = await h.call('GET', '/groups');
      expect(res.status).toBe(200);
      expect(res.body.groups.map((g: { name: string }) => g.name)).toEqual(['Kitchen', 'Hall', 'Attic']);
      expect(res.body.groups[0]).toMatchObject({ id: kitchen, index: 0, deviceids: [] });
    });
  });

  describe('POST /groups/{groupId}/devices', () => {
    it('moves devices into a group, out of the group they were in', async () => {
      // Act
      const into = await h.call('POST', `/groups/${kitchen}/devices`, { body: { deviceids: ['1000000001', '1000000004'] } });
      const moved = await h.call('POST', `/groups/${hall}/devices`, { body: { deviceids: ['1000000001'] } });
      // Assess
      expect(into.status).toBe(200);
      expect(into.body).toMatchObject({ id: kitchen, deviceids: ['1000000001', '1000000004'] });
      expect(moved.body).toMatchObject({ id: hall, deviceids: ['1000000001'] });
      expect(await cloudMembership('1000000001')).toEqual([hall]);
      expect(await cloudMembership('1000000004')).toEqual([kitchen]);
      const listed = await h.call('GET', '/groups');
      expect(listed.body.groups.find((g: { id: string }) => g.id === kitchen).deviceids).toEqual(['1000000004']);
    });

    it('answers 404 for an unknown group or device, moving nothing', async () => {
      const group = await h.call('POST', '/groups/0123456789abcdef01234567/devices', { body: { deviceids: ['1000000009'] } });
      const device = await h.call('POST', `/groups/${kitchen}/devices`, { body: { deviceids: ['1000000009', '1000000404'] } });
      expect(group.status).toBe(404);
      expect(device.status).toBe(404);
      expect(device.body.error.message).toContain('1000000404');
      expect(await cloudMembership('1000000009')).toEqual([]);
    });

    it.each([
      [{}, 'deviceids'],
      [{ deviceids: [] }, 'deviceids'],
      [{ deviceids: '1000000001' }, 'deviceids'],
      [{ deviceids: ['1000000001', '1000000001'] }, 'deviceids'],
      [{ deviceids: ['1000000001', 'bad id'] }, 'deviceids.1'],
      [{ deviceids: Array.from({ length: 51 }, (_, i) => `10000001${i}`) }, 'deviceids'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await expectInvalid(h, 'POST', `/groups/${kitchen}/devices`, { body }, field);
    });

    it('answers a bad group id with 422, sending nothing', async () => {
      await expectInvalid(h, 'POST', '/groups/no%20such/devices', { body: { deviceids: ['1000000001'] } }, 'groupId');
    });
  });

  describe('DELETE /groups/{groupId}/devices/{id}', () => {
    it('takes a device out of the group', async () => {
      const res = await h.call('DELETE', `/groups/${kitchen}/devices/1000000004`);
      expect(res.status).toBe(204);
      expect(await cloudMembership('1000000004')).toEqual([]);
      const again = await h.call('DELETE', `/groups/${kitchen}/devices/1000000004`);
      expect(again.status).toBe(404);
      expect(again.body.error.message).toMatch(/not in group/);
    });

    it('answers bad ids with 422, sending nothing', async () => {
      await expectInvalid(h, 'DELETE', `/groups/${kitchen}/devices/bad%20id`, {}, 'id');
      await expectInvalid(h, 'DELETE', `/groups/${'g'.repeat(65)}/devices/1000000004`, {}, 'groupId');
    });
  });

  describe('PATCH /groups/{groupId}', () => {
    it('renames a group, keeping its place, and reorders another', async () => {
      const renamed = await h.call('PATCH', `/groups/${hall}`, { body: { name: 'Hallway' } });
      const moved = await h.call('PATCH', `/groups/${kitchen}`, { body: { index: 5 } });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: hall, name: 'Hallway', index: 1, deviceids: ['1000000001'] });
      expect(moved.body).toMatchObject({ id: kitchen, name: 'Kitchen', index: 5 });
      expect((await cloudGroups()).map((g) => [g.name, g.index])).toEqual(
        expect.arrayContaining([
          ['Hallway', 1],
          ['Kitchen', 5],
        ]),
      );
    });

    it('answers 404 for an unknown group', async () => {
      const res = await h.call('PATCH', '/groups/0123456789abcdef01234567', { body: { name: 'Nowhere' } });
      expect(res.status).toBe(404);
    });

    it.each([
      [{}, 'body'],
      [{ name: '' }, 'name'],
      [{ index: -2 }, 'index'],
      [{ name: 'ok', id: 'other' }, 'id'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await expectInvalid(h, 'PATCH', `/groups/${hall}`, { body }, field);
    });
  });

  describe('DELETE /groups/{groupId}', () => {
    it('deletes the group and leaves its devices in no group', async () => {
      const res = await h.call('DELETE', `/groups/${hall}`);
      expect(res.status).toBe(204);
      expect((await cloudGroups()).map((g) => g.id)).not.toContain(hall);
      expect(await cloudMembership('1000000001')).toEqual([]);
      expect((await h.call('DELETE', `/groups/${hall}`)).status).toBe(404);
    });

    it('answers a bad group id with 422, sending nothing', async () => {
      await expectInvalid(h, 'DELETE', '/groups/bad%2Fid', {}, 'groupId');
    });
  });
});
