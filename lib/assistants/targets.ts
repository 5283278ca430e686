import { capabilitiesOf, deviceProfile } from '../devices/catalogue';
import type { DeviceDirectory } from '../devices/directory';
import type { CachedDevice } from '../devices/model';
import { NotFound } from '../errors';
import type { SceneService } from '../scenes/scene-service';

/** How an assistant should show a device: the families with a light are lights, metering switches plugs, the rest switches. */
export type TargetRole = 'light' | 'switch' | 'plug';

/** One thing a person can name to an assistant: a device, or one channel of a multi-channel switch. */
export interface DeviceTarget {
  kind: 'device';
  /** The id assistants know it by: the deviceid, or `<deviceid>-<channel>` for a channel. */
  id: string;
  deviceid: string;
  /** The channel (0 first) of a multi-channel switch; absent for a device switched whole. */
  channel?: number;
  name: string;
  family: string;
  role: TargetRole;
  /** As the cached device list says (kept current by the cloud's online/offline notices). */
  online: boolean;
  brightness: boolean;
  color: boolean;
  /** The colour temperatures it takes, warmest first (kelvin); absent when it has none. */
  colorTemperature?: [number, number];
}

/** A scene of the account, which an assistant runs as a whole. */
export interface SceneTarget {
  kind: 'scene';
  /** `scene-<sceneId>`. */
  id: string;
  sceneId: string;
  name: string;
}

export type Target = DeviceTarget | SceneTarget;

const SCENE_PREFIX = 'scene-';
const CHANNEL_ID = /^(.+)-(\d{1,2})$/;

/**
 * What the account offers a voice assistant: each device (each channel of a multi-channel
 * switch on its own) and each scene, with ids that stay the same for as long as the device
 * or scene exists. Alexa endpoints and Google devices are both made from these.
 *
 * @example
 * const targets = await bridge.targets.list('default');
 * // [{ kind: 'device', id: '1000000004-0', deviceid: '1000000004', channel: 0, name: 'Power strip 1', role: 'switch', … }, …]
 * const lamp = await bridge.targets.find('default', '1000000001'); // NotFound for an id the account lacks
 */
export class AssistantTargets {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly scenes: SceneService,
  ) {}

  async list(accountId: string): Promise<Target[]> {
    const [devices, scenes] = await Promise.all([this.directory.list(accountId), this.scenes.list(accountId)]);
    return [...devices.flatMap(deviceTargets), ...scenes.map((s): SceneTarget => ({ kind: 'scene', id: `${SCENE_PREFIX}${s.id}`, sceneId: s.id, name: s.name }))];
  }

  async find(accountId: string, id: string): Promise<Target> {
    if (id.startsWith(SCENE_PREFIX)) {
      const scene = await this.scenes.get(accountId, id.slice(SCENE_PREFIX.length));
      return { kind: 'scene', id, sceneId: scene.id, name: scene.name };
    }
    const deviceid = CHANNEL_ID.exec(id)?.[1] ?? id;
    const found = deviceTargets(await this.directory.find(accountId, deviceid)).find((t) => t.id === id);
    if (!found) throw new NotFound(`no device "${id}" in this account`);
    return found;
  }
}

function deviceTargets(device: CachedDevice): DeviceTarget[] {
  const profile = deviceProfile(device.uiid, device.params ?? {});
  const light = capabilitiesOf(profile);
  const role: TargetRole = profile.light ? 'light' : profile.family === 'power-metering switch' ? 'plug' : 'switch';
  const base = {
    kind: 'device' as const,
    deviceid: device.deviceid,
    family: profile.family,
    role,
    online: device.online,
    brightness: light.brightness !== undefined,
    color: light.color !== undefined,
    ...(light.colorTemperature && { colorTemperature: light.colorTemperature.kelvin }),
  };
  const { channels } = profile.power;
  if (profile.power.form !== 'switches' || channels < 2) return [{ ...base, id: device.deviceid, name: device.name }];
  // People count outlets from 1, as the devices' own labels do.
  return Array.from({ length: channels }, (_, channel) => ({ ...base, id: `${device.deviceid}-${channel}`, channel, name: `${device.name} ${channel + 1}` }));
}
