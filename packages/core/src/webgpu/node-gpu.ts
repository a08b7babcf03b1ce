/**
 * WebGPU in Node (issue 17): Node has no `navigator.gpu`, so the webgpu device takes one from the optional
 * `webgpu` npm package (Dawn's Node bindings, dawn.node), loaded only when `webgpu.init()` runs in Node.
 *
 * Dawn drives the machine's Vulkan (Linux), Metal or D3D12. A Linux machine without a GPU driver has no
 * Vulkan adapter, but a Chromium install carries a software one: SwiftShader's Vulkan driver with its own
 * Vulkan loader (Debian/Ubuntu: /usr/lib/chromium/{libvulkan.so.1,libvk_swiftshader.so,vk_swiftshader_icd.json}).
 * When Dawn finds no adapter, that driver is tried: Chromium's loader is preloaded if the system has none
 * (Dawn dlopens `libvulkan.so.1` by name, which then resolves to the loaded copy), and `VK_ICD_FILENAMES`
 * names the SwiftShader ICD while the adapter is requested. This is how the Node tests get a device on a CI
 * machine without a GPU (docs/webgpu.md, "WebGPU in Node").
 */
import type { GpuEntry } from './gpu-types';

/** The `webgpu` package's entry points (its types.d.ts, without @webgpu/types). */
interface DawnModule { create(flags: string[]): GpuEntry }

/** Chromium installs that ship SwiftShader's Vulkan driver and a Vulkan loader. */
const SWIFTSHADER_DIRS = ['/usr/lib/chromium', '/usr/lib/chromium-browser', '/usr/lib64/chromium-browser', '/opt/google/chrome'];

/** glibc's RTLD_NOW | RTLD_NODELETE (Node's os.constants.dlopen has no RTLD_NODELETE). */
const RTLD_NOW_NODELETE = 0x2 | 0x1000;

interface NodeProcess {
  versions: { node: string };
  platform: string;
  env: Record<string, string | undefined>;
  dlopen(module: { exports: unknown }, filename: string, flags?: number): void;
  getBuiltinModule?(id: string): unknown;
}

const nodeProcess = (): NodeProcess | null => {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return p?.versions?.node !== undefined ? (p as NodeProcess) : null;
};

/** Whether this is Node (or a runtime that says it is) without a `navigator.gpu`. */
export function isNodeWithoutGpu(): boolean {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  return g.navigator?.gpu === undefined && nodeProcess() !== null;
}

/**
 * Loads a native library into the process, so that a later `dlopen` of its soname finds it. Node's
 * process.dlopen loads the file, then rejects it as not being an addon ("did not self-register"); with
 * RTLD_NODELETE the library stays loaded. Returns whether it is loaded.
 */
function preload(p: NodeProcess, file: string): boolean {
  try {
    p.dlopen({ exports: {} }, file, RTLD_NOW_NODELETE);
    return true;
  } catch (e) {
    return /self-register/.test(String(e));
  }
}

/** Whether `file` exists (false on Node < 20.16, which has no getBuiltinModule: no SwiftShader fallback there). */
function exists(p: NodeProcess, file: string): boolean {
  const fs = p.getBuiltinModule?.('fs') as { existsSync(f: string): boolean } | undefined;
  return fs !== undefined && fs.existsSync(file);
}

/** A Chromium's SwiftShader Vulkan driver: its folder (with the loader and the ICD file), or null. */
function swiftShaderDir(p: NodeProcess): string | null {
  for (const dir of SWIFTSHADER_DIRS) {
    if (exists(p, `${dir}/vk_swiftshader_icd.json`) && exists(p, `${dir}/libvk_swiftshader.so`)) return dir;
  }
  return null;
}

// The instance that `create` returned: Dawn's objects live only as long as it is referenced.
let instance: GpuEntry | null = null;

const PREFIX = 'webgpu.init: WebGPU is not available';

async function loadDawn(node: string): Promise<DawnModule> {
  // The name is not a literal, so that bundlers of browser code do not try to resolve the optional package.
  const name = 'webgpu';
  try {
    const m = (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as Partial<DawnModule> & { default?: Partial<DawnModule> };
    const create = m.create ?? m.default?.create;
    if (typeof create !== 'function') throw new Error('it exports no create()');
    return { create };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: string }).code;
    if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && msg.includes(`'${name}'`)) {
      throw new Error(`${PREFIX}: this is Node ${node}, which has no navigator.gpu; the webgpu device needs the optional \`webgpu\` package (Dawn's Node bindings): npm install webgpu`);
    }
    throw new Error(`${PREFIX}: this is Node ${node}, which has no navigator.gpu, and the \`webgpu\` package (Dawn) failed to load: ${msg}`);
  }
}

/**
 * Dawn's `navigator.gpu` for Node, with an adapter: the machine's GPU, or else (Linux) a Chromium's
 * SwiftShader. Rejects naming what is missing: the package, or any adapter.
 */
export async function nodeGpu(): Promise<GpuEntry> {
  const p = nodeProcess();
  if (p === null) throw new Error(`${PREFIX}: not running in Node`);
  if (instance !== null) return instance;
  const dawn = await loadDawn(p.versions.node);
  const sw = p.platform === 'linux' ? swiftShaderDir(p) : null;
  const own = p.env.VK_ICD_FILENAMES ?? p.env.VK_DRIVER_FILES;
  // Without a system Vulkan loader, Dawn could only print a warning and find nothing: go straight to
  // Chromium's loader and SwiftShader.
  const systemVulkan = sw === null || preload(p, 'libvulkan.so.1');
  if (systemVulkan || own !== undefined) {
    const gpu = dawn.create([]);
    if (await hasAdapter(gpu)) return (instance = gpu);
  }
  if (sw !== null && own === undefined) {
    if (!systemVulkan) preload(p, `${sw}/libvulkan.so.1`);
    p.env.VK_ICD_FILENAMES = `${sw}/vk_swiftshader_icd.json`;
    try {
      const gpu = dawn.create([]);
      if (await hasAdapter(gpu)) return (instance = gpu);
    } finally {
      delete p.env.VK_ICD_FILENAMES; // the Vulkan loader read it when Dawn created its instance
    }
  }
  const tried = sw !== null ? (own !== undefined ? ` (VK_ICD_FILENAMES / VK_DRIVER_FILES is set: ${own})` : ` (nor with the SwiftShader Vulkan driver of ${sw})`) : '';
  const hint = p.platform === 'linux'
    ? 'install a Vulkan driver (Debian/Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers) or Chromium (apt-get install chromium), whose SwiftShader driver tapegrad then uses'
    : 'Dawn needs Metal (macOS) or D3D12 (Windows)';
  throw new Error(`webgpu.init: the \`webgpu\` package (Dawn) found no adapter on this machine${tried}: ${hint}`);
}

async function hasAdapter(gpu: GpuEntry): Promise<boolean> {
  try {
    return (await gpu.requestAdapter({ powerPreference: 'high-performance' })) !== null;
  } catch {
    return false;
  }
}
