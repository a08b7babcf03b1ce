/**
 * Loading a CNN that PyTorch trained and saved.
 *
 * fixtures/pytorch/lenet-bn.safetensors holds `model.state_dict()` of this PyTorch 1.13 network (written by
 * fixtures/pytorch/lenet.py), plus a batch of 4 inputs and PyTorch's eval-mode logits for them:
 *   nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
 *                 nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
 *                 nn.Flatten(), nn.Linear(784, 10))
 * The same layers from tapegrad have the same state-dict keys ('1.running_mean', '1.num_batches_tracked', …),
 * so `loadStateDict` takes the file as it is (strictly: a missing or unknown key is an error).
 * Run: node scripts/run-ts.cjs examples/load-pytorch-cnn.ts
 */
import * as path from 'path';
import { load, nn, type Tensor } from 'tapegrad';

export function lenetBn(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Flatten(), new nn.Linear(784, 10),
  );
}

if (require.main === module) {
  const file = path.join(__dirname, '../fixtures/pytorch/lenet-bn.safetensors');
  const { input, output: torchLogits, ...stateDict } = load(file);
  const model = lenetBn();
  model.loadStateDict(stateDict);
  model.eval(); // BatchNorm uses the running statistics PyTorch saved
  const logits = model.call(input) as Tensor;

  console.log(`loaded ${Object.keys(stateDict).length} tensors into ${model.numParameters()} parameters + BatchNorm buffers`);
  console.log(`input ${JSON.stringify(input.shape)} -> logits ${JSON.stringify(logits.shape)}`);
  console.log(`predictions (tapegrad): ${JSON.stringify(logits.argmax(1).tolist())}`);
  console.log(`predictions (PyTorch):  ${JSON.stringify(torchLogits.argmax(1).tolist())}`);
  console.log(`max |tapegrad − PyTorch| logit = ${logits.sub(torchLogits).abs().max().item().toExponential(1)}`);
}
