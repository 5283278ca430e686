import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, startHarness, type Harness } from '../../support/bridge';
import { cloudTraffic, expectInvalid } from '../../support/refusals';

const NEW_DEVICE = { deviceid: '1000000777', devicekey: '5a1b6e7c-0d2f-4b1e-9c3a-7e8f9a0b1c2d' };
/** A paired device that is only ever sent with the wrong apikey. */
const PAIRED = { deviceid: '1000000779', devicekey: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' };

describe('device management routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      sim: {
        unboundDevices: [
          { deviceid: NEW_DEVICE.deviceid, devicekey: NEW_DEVICE.devicekey, name: 'ITEAD', uiid: 1 },
          { deviceid: PAIRED.deviceid, devicekey: PAIRED.devicekey, name: 'ITEAD', uiid: 1 },
        ],
        unboundGsmDevices: [
          { gsmId: 'gsm0123456789', device: { deviceid: '1000000888', name: 'GSM', uiid: 1 } },
          { gsmId: 'gsmotherbrand', device: { deviceid: '1000000889', name: 'GSM', uiid: 1 }, refuseWith: 403 },
        ],
      },
    });
    await h.call('GET', '/devices');
  });
  afterAll(async () => h.close());

  /** The account's devices as the simulated cloud lists them now (tags included). */
  async function cloudDevices() {
    return h.parts.keeper.withCredentials(ACCOUNT, (creds) => h.parts.client.devices(creds, { getTags: true }));
  }

  describe('POST /devices', () => {
    it('adds a paired Wi-Fi device to the account and answers it as listed', async () => {
      // Act
      const res = await h.call('POST', '/devices', { body: { deviceid: NEW_DEVICE.deviceid, apikey: NEW_DEVICE.devicekey, name: 'Porch light' } });
      // Assess
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ deviceid: NEW_DEVICE.deviceid, name: 'Porch light', uiid: 1, online: true, channels: 1 });
      expect((await cloudDevices()).map((d) => d.deviceid)).toContain(NEW_DEVICE.deviceid);
      const listed = await h.call('GET', '/devices');
      expect(listed.body.devices.map((d: { deviceid: string }) => d.deviceid)).toContain(NEW_DEVICE.deviceid);
    });

    it("answers an apikey that is not the device's with 422 naming apikey, and adds nothing", async () => {
      // Act: the apikey is well formed, but not the one the device reported while pairing
      const res = await h.call('POST', '/devices', { body: { deviceid: PAIRED.deviceid, apikey: NEW_DEVICE.devicekey, name: 'Porch light' } });
      // Assess
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'apikey', message: expect.stringMatching(/^apikey: is not the apikey device "1000000779" reported while pairing/) });
      expect((await cloudDevices()).map((d) => d.deviceid)).not.toContain(PAIRED.deviceid);
    });

    it('answers 409 for a device already in an account', async () => {
      const res = await h.call('POST', '/devices', { body: { deviceid: NEW_DEVICE.deviceid, apikey: NEW_DEVICE.devicekey, name: 'Again' } });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('already_exists');
    });

    it.each([
      [{ apikey: NEW_DEVICE.devicekey, name: 'x' }, 'deviceid'],
      [{ deviceid: 'no spaces', apikey: NEW_DEVICE.devicekey, name: 'x' }, 'deviceid'],
      [{ deviceid: '1000000778', apikey: 'short', name: 'x' }, 'apikey'],
      [{ deviceid: '1000000778', apikey: NEW_DEVICE.devicekey, name: '' }, 'name'],
      [{ deviceid: '1000000778', apikey: NEW_DEVICE.devicekey, name: 'x', chipid: 5 }, 'chipid'],
      [{ deviceid: '1000000778', apikey: NEW_DEVICE.devicekey, name: 'x', room: 'hall' }, 'room'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await expectInvalid(h, 'POST', '/devices', { body }, field);
    });
  });

  describe('POST /devices/gsm', () => {
    it('adds a GSM device by its QR code id', async () => {
      const res = await h.call('POST', '/devices/gsm', { body: { id: 'gsm0123456789', name: 'Gate' } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ deviceid: '1000000888', name: 'Gate' });
      expect((await cloudDevices()).find((d) => d.deviceid === '1000000888')?.name).toBe('Gate');
    });

    it("answers a device of another brand than the app id's with 422 naming id, and adds nothing", async () => {
      const res = await h.call('POST', '/devices/gsm', { body: { id: 'gsmotherbrand', name: 'Gate' } });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'id', message: expect.stringMatching(/does not belong to this app id's brand/) });
      expect((await cloudDevices()).map((d) => d.deviceid)).not.toContain('1000000889');
    });

    it.each([
      [{ name: 'Gate' }, 'id'],
      [{ id: 'gsm 01', name: 'Gate' }, 'id'],
      [{ id: 'gsm0123456789', name: 'x'.repeat(65) }, 'name'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await expectInvalid(h, 'POST', '/devices/gsm', { body }, field);
    });
  });

  describe('PATCH /devices/{id}', () => {
    it('renames the device in the cloud, and the device list says so at once', async () => {
      // Prepare: the list is cached with the old name
      expect((await h.call('GET', '/devices')).body.devices.find((d: { deviceid: string }) => d.deviceid === '1000000001').name).toBe('Lamp');
      // Act
      const res = await h.call('PATCH', '/devices/1000000001', { body: { name: 'Hall lamp' } });
      // Assess
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ deviceid: '1000000001', name: 'Hall lamp' });
      expect(h.sim.device('1000000001').name).toBe('Hall lamp');
      const listed = await h.call('GET', '/devices');
      expect(listed.body.devices.find((d: { deviceid: string }) => d.deviceid === '1000000001').name).toBe('Hall lamp');
    });

    it('answers 404 for a device not in the account', async () => {
      const res = await h.call('PATCH', '/devices/1000000404', { body: { name: 'Ghost' } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    });

    it.each([
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(65) }, 'name'],
      [{ name: 'bell\u0007' }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'ok', group: 'g' }, 'group'],
      ['Lamp', 'body'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await expectInvalid(h, 'PATCH', '/devices/1000000001', { body }, field);
    });

    it('answers a bad device id and an empty body with 422, and malformed JSON with 400', async () => {
      await expectInvalid(h, 'PATCH', '/devices/not%20an%20id', { body: { name: 'x' } }, 'id');
      await expectInvalid(h, 'PATCH', '/devices/1000000001', {}, 'body');
      h.sim.stats.reset();
      const res = await h.call('PATCH', '/devices/1000000001', { raw: '{"name": ' });
      expect(res.status).toBe(400);
      expect(cloudTraffic(h)).toBe(0);
    });
  });

  describe('PUT /devices/{id}/channels', () => {
    it("names a multi-channel device's channels", async () => {
      const res = await h.call('PUT', '/devices/1000000004/channels', { body: { names: { '0': 'Kettle', '3': 'Fan' } } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ deviceid: '1000000004', names: { '0': 'Kettle', '3': 'Fan' } });
      const strip = (await cloudDevices()).find((d) => d.deviceid === '1000000004');
      expect(strip?.tags?.ck_channel_name).toEqual({ '0': 'Kettle', '3': 'Fan' });
    });

    it.each([
      [{ names: {} }, 'names'],
      [{ names: { '4': 'Fifth' } }, 'names.4'],
      [{ names: { one: 'First' } }, 'names.one'],
      [{ names: { '01': 'First' } }, 'names.01'],
      [{ names: { '0': '' } }, 'names.0'],
      [{ names: ['Kettle'] }, 'names'],
      [{ names: { '0': 'Kettle' }, extra: true }, 'extra'],
    ])('answers %j with 422 naming %s, and sends nothing', async (body, field) => {
      await h.call('GET', '/devices');
      await expectInvalid(h, 'PUT', '/devices/1000000004/channels', { body }, field);
    });

    it('refuses a single-channel device with 422, sending nothing', async () => {
      await h.call('GET', '/devices');
      await expectInvalid(h, 'PUT', '/devices/1000000009/channels', { body: { names: { '0': 'Only' } } }, 'names');
    });
  });

  describe('GET /devices/{id}/history', () => {
    it('lists what was done to the device, newest first, a page at a time', async () => {
      // Prepare
      const from = new Date(Date.now() - 60_000).toISOString();
      h.sim.reportFromDevice('1000000001', { switch: 'on' });
      h.sim.reportFromDevice('1000000001', { switch: 'off' });
      const to = new Date(Date.now() + 60_000).toISOString();
      // Act
      const all = await h.call('GET', `/devices/1000000001/history?from=${from}&to=${to}`);
      const second = await h.call('GET', '/devices/1000000001/history?page=2&pageSize=1');
      const before = await h.call('GET', `/devices/1000000001/history?to=${from}`);
      // Assess
      expect(all.status).toBe(200);
      expect(all.body).toMatchObject({ deviceid: '1000000001', page: 1, pageSize: 20 });
      expect(all.body.entries).toHaveLength(2);
      expect(all.body.entries[0]).toMatchObject({ source: 'device', time: expect.any(String) });
      expect(JSON.stringify(all.body.entries[0].params)).toContain('off');
      expect(second.body.entries).toHaveLength(1);
      expect(JSON.stringify(second.body.entries[0].params)).toContain('on');
      expect(before.body.entries).toEqual([]);
    });

    it.each([
      ['from=yesterday', 'from'],
      ['from=2024-05-01', 'from'],
      ['to=2024-05-01T00:00:00', 'to'],
      ['from=2024-05-02T00:00:00Z&to=2024-05-01T00:00:00Z', 'to'],
      ['page=0', 'page'],
      ['page=1.5', 'page'],
      ['pageSize=101', 'pageSize'],
      ['limit=5', 'limit'],
    ])('answers ?%s with 422 naming %s, and sends nothing', async (query, field) => {
      await h.call('GET', '/devices');
      await expectInvalid(h, 'GET', `/devices/1000000001/history?${query}`, {}, field);
    });
  });

  describe('DELETE /devices/{id}', () => {
    it('removes the device from the account and from the device list', async () => {
      const res = await h.call('DELETE', '/devices/1000000009');
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();
      expect((await cloudDevices()).map((d) => d.deviceid)).not.toContain('1000000009');
      const listed = await h.call('GET', '/devices');
      expect(listed.body.devices.map((d: { deviceid: string }) => d.deviceid)).not.toContain('1000000009');
      expect((await h.call('DELETE', '/devices/1000000009')).status).toBe(404);
    });

    it('answers a bad id with 422, sending nothing', async () => {
      await expectInvalid(h, 'DELETE', `/devices/${'9'.repeat(65)}`, {}, 'id');
    });
  });
});
