import { randn, noGrad } from '@tapegrad/core';
const time = (f: () => void): number => { for (let i = 0; i < 5; i++) f(); const t = performance.now(); for (let i = 0; i < 50; i++) f(); return (performance.now() - t) / 50; };
noGrad(() => {
  const x = randn([256, 256]);
  console.log(JSON.stringify({ sort256_ms: time(() => x.sort(1)).toFixed(3), sort256desc_ms: time(() => x.sort(1, true)).toFixed(3), topk8_ms: time(() => x.topk(8, 1)).toFixed(3) }));
});
