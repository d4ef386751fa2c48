// A stand-in for the 'electron' module (no Electron binary exists on these machines). Each test file
// mocks 'electron' with this module and imports it to drive events and inspect calls:
//   vi.mock('electron', () => import('./fake-electron.ts'));
// Only the surface electron/main uses is modelled; behaviour is recorded, never simulated.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** An Electron-style event: `preventDefault()` is recorded in `defaultPrevented`. */
export function fakeEvent<T extends object>(fields: T = {} as T): T & { defaultPrevented: boolean; preventDefault(): void } {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

export class FakeWebFrame {
  parent: FakeWebFrame | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
}

let nextWebContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new FakeWebFrame('app://roi/index.html');
  readonly send = vi.fn();
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  minimized = false;
  visible = false;
  destroyed = false;
  readonly loadURL = vi.fn(async (_url: string) => {});
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });
  readonly show = vi.fn(() => {
    this.visible = true;
  });
  readonly focus = vi.fn();

  readonly options: Record<string, unknown>;

  constructor(options: Record<string, unknown>) {
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
    // Electron emits web-contents-created for every new webContents, which is how guards attach.
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  isMinimized() {
    return this.minimized;
  }
  isVisible() {
    return this.visible;
  }
  isDestroyed() {
    return this.destroyed;
  }
  /** Test helper: the user closes the window. */
  close() {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

class FakeApp extends EventEmitter {
  ready = false;
  isPackaged = false;
  lockGranted = true;
  private readonly paths = new Map<string, string>([['appData', '/home/agent/.config']]);
  private resolveReady: () => void = () => {};
  private readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));

  readonly requestSingleInstanceLock = vi.fn(() => this.lockGranted);
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly setName = vi.fn();
  readonly setAppUserModelId = vi.fn();
  readonly setAsDefaultProtocolClient = vi.fn((_scheme: string) => true);
  readonly getPath = vi.fn((name: string) => this.paths.get(name) ?? `/fake/${name}`);
  readonly setPath = vi.fn((name: string, value: string) => void this.paths.set(name, value));

  isReady() {
    return this.ready;
  }
  whenReady() {
    return this.readyPromise;
  }
  /** Test helper: Electron finished launching. */
  fireReady() {
    this.ready = true;
    this.resolveReady();
    this.emit('ready');
  }
  reset() {
    this.removeAllListeners();
    this.ready = false;
    this.isPackaged = false;
    this.lockGranted = true;
    this.readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));
    this.paths.clear();
    this.paths.set('appData', '/home/agent/.config');
  }
}

export const app = new FakeApp();

export const protocol = {
  registerSchemesAsPrivileged: vi.fn(),
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  handle: vi.fn((scheme: string, handler: (request: Request) => Promise<Response>) => {
    protocol.handlers.set(scheme, handler);
  }),
};

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void;

export const session = {
  defaultSession: {
    permissionRequestHandler: null as PermissionRequestHandler | null,
    permissionCheckHandler: null as ((...args: unknown[]) => boolean) | null,
    devicePermissionHandler: null as ((...args: unknown[]) => boolean) | null,
    setPermissionRequestHandler(handler: PermissionRequestHandler) {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: (...args: unknown[]) => boolean) {
      this.permissionCheckHandler = handler;
    },
    setDevicePermissionHandler(handler: (...args: unknown[]) => boolean) {
      this.devicePermissionHandler = handler;
    },
  },
};

type InvokeHandler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle: vi.fn((channel: string, handler: InvokeHandler) => {
    if (ipcMain.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    ipcMain.handlers.set(channel, handler);
  }),
  removeHandler: vi.fn((channel: string) => void ipcMain.handlers.delete(channel)),
};

export const shell = { openExternal: vi.fn(async (_url: string) => {}) };

export const dialog = { showErrorBox: vi.fn() };

export class Notification extends EventEmitter {
  static supported = true;
  static instances: Notification[] = [];
  static isSupported() {
    return Notification.supported;
  }
  readonly show = vi.fn();
  readonly options: { title?: string; body?: string };

  constructor(options: { title?: string; body?: string }) {
    super();
    this.options = options;
    Notification.instances.push(this);
  }
}

/** Puts every fake back to its first state; call in beforeEach. */
export function resetFakeElectron(): void {
  app.reset();
  BrowserWindow.instances = [];
  Notification.instances = [];
  Notification.supported = true;
  protocol.handlers.clear();
  ipcMain.handlers.clear();
  session.defaultSession.permissionRequestHandler = null;
  session.defaultSession.permissionCheckHandler = null;
  session.defaultSession.devicePermissionHandler = null;
  vi.clearAllMocks();
}

