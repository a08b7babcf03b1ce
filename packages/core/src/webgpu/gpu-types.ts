/**
 * The slice of the WebGPU API the device uses, declared here so that core compiles without the DOM
 * library or @webgpu/types (Node builds never touch these at run time unless `webgpu.init()` succeeds).
 */
export interface GpuBufferHandle {
  readonly size: number;
  destroy(): void;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
}
export interface GpuBindGroupLayout { readonly label?: string }
export interface GpuBindGroup { readonly label?: string }
export interface GpuComputePipeline {
  getBindGroupLayout(index: number): GpuBindGroupLayout;
}
export interface GpuShaderModule {
  getCompilationInfo?(): Promise<{ messages: readonly { type: string; message: string; lineNum: number }[] }>;
}
export interface GpuComputePass {
  setPipeline(p: GpuComputePipeline): void;
  setBindGroup(index: number, g: GpuBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
export interface GpuCommandBuffer { readonly label?: string }
export interface GpuCommandEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(src: GpuBufferHandle, srcOffset: number, dst: GpuBufferHandle, dstOffset: number, size: number): void;
  finish(): GpuCommandBuffer;
}
export interface GpuQueue {
  submit(buffers: GpuCommandBuffer[]): void;
  writeBuffer(buffer: GpuBufferHandle, offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset?: number, size?: number): void;
  onSubmittedWorkDone(): Promise<void>;
}
export interface GpuBindGroupEntry {
  binding: number;
  resource: { buffer: GpuBufferHandle; offset?: number; size?: number };
}
export interface GpuDeviceHandle {
  readonly queue: GpuQueue;
  readonly limits: { maxStorageBufferBindingSize: number; maxComputeWorkgroupsPerDimension: number; maxBufferSize: number };
  readonly lost: Promise<{ reason: string; message: string }>;
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBufferHandle;
  createShaderModule(d: { code: string }): GpuShaderModule;
  createComputePipeline(d: { layout: 'auto'; compute: { module: GpuShaderModule; entryPoint: string } }): GpuComputePipeline;
  createBindGroup(d: { layout: GpuBindGroupLayout; entries: GpuBindGroupEntry[] }): GpuBindGroup;
  createCommandEncoder(): GpuCommandEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
}
export interface GpuAdapterHandle {
  readonly info?: { vendor?: string; architecture?: string; description?: string };
  readonly limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  requestDevice(d?: { requiredLimits?: Record<string, number> }): Promise<GpuDeviceHandle>;
}
export interface GpuEntry {
  requestAdapter(o?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterHandle | null>;
}

// GPUBufferUsage / GPUMapMode flag values (the WebGPU spec's constants).
export const USAGE = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080 } as const;
export const MAP_READ = 0x0001;
