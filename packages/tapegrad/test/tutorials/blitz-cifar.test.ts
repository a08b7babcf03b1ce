/**
 * The 60-minute blitz's "Training a classifier" (CIFAR-10 CNN) and "Neural networks" ported line by line. The
 * weights and 4 images are PyTorch 1.13's (fixtures/pytorch/tutorials/blitz-cifar.safetensors, written as
 * torch.save(net.state_dict()) would be, in the safetensors format); outputs, gradients and three SGD-momentum
 * steps are compared with blitz-cifar.json.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { nn, optim, data, tensor, randn, flatten, max, noGrad, save, load, manualSeed, unbind, Tensor } from 'tapegrad';
import { fixture, fixtureDir, expectClose, Ref } from './fixtures';

const F = nn.F;

interface Fx {
  labels: number[]; firstOutput: Ref; grads: Record<string, Ref>; losses: number[]; after: Ref;
  predicted: number[]; fc3Bias: Ref; keys: string[];
}
const fx = fixture<Fx>('blitz-cifar');

class Net extends nn.Module {
  conv1 = new nn.Conv2d(3, 6, 5);
  pool = new nn.MaxPool2d(2, 2);
  conv2 = new nn.Conv2d(6, 16, 5);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 84);
  fc3 = new nn.Linear(84, 10);

  forward(x: Tensor): Tensor {
    x = this.pool.call(F.relu(this.conv1.call(x)));
    x = this.pool.call(F.relu(this.conv2.call(x)));
    x = flatten(x, 1); // flatten all dimensions except batch
    x = F.relu(this.fc1.call(x));
    x = F.relu(this.fc2.call(x));
    x = this.fc3.call(x);
    return x;
  }
}

const { input, ...pretrained } = load(join(fixtureDir, 'blitz-cifar.safetensors'));
const labels = tensor(fx.labels, { dtype: 'int32' });

describe('blitz: training a classifier (CIFAR-10 CNN)', () => {
  it('state dict keys, forward, CrossEntropyLoss gradients, SGD(momentum=0.9) steps', () => {
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(fx.keys);
    net.loadStateDict(pretrained);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) {
      optimizer.zeroGrad();
      const outputs = net.call(input);
      const loss = criterion.call(outputs, labels);
      loss.backward();
      if (step === 0) {
        expectClose(outputs, fx.firstOutput, 1e-5);
        expectClose(net.conv1.bias!.grad!, fx.grads['conv1.bias'], 1e-5);
        expectClose(net.fc3.weight.grad!, fx.grads['fc3.weight'], 1e-5);
      }
      optimizer.step();
      losses.push(loss.item());
    }
    expectClose(losses, fx.losses, 1e-5);
    expectClose(net.fc3.bias!, fx.fc3Bias, 1e-5);
    const outputs = noGrad(() => net.call(input));
    expectClose(outputs, fx.after, 1e-4);
    const { indices: predicted } = max(outputs, 1); // _, predicted = torch.max(outputs, 1)
    expect(predicted.toArray()).toEqual(fx.predicted);
  });

  it('the training loop over a DataLoader, the accuracy loop, and saving / loading the state dict', () => {
    manualSeed(0); // the shuffling
    const net = new Net();
    net.loadStateDict(pretrained);
    const trainset = new data.TensorDataset(input, labels);
    const trainloader = new data.DataLoader(trainset, { batchSize: 2, shuffle: true });
    const [images] = trainloader[Symbol.iterator]().next().value!; // images, labels = next(iter(trainloader))
    expect(images.shape).toEqual([2, 3, 32, 32]);
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(net.parameters(), { lr: 0.001, momentum: 0.9 });
    const epochLoss: number[] = [];
    for (let epoch = 0; epoch < 40; epoch++) {
      let runningLoss = 0.0;
      for (const [inputs, labels] of trainloader) {
        optimizer.zeroGrad();
        const outputs = net.call(inputs);
        const loss = criterion.call(outputs, labels);
        loss.backward();
        optimizer.step();
        runningLoss += loss.item();
      }
      epochLoss.push(runningLoss / trainloader.length);
    }
    expect(epochLoss[39]).toBeLessThan(epochLoss[0] / 2); // 2.33 -> 1.0 on these 4 images

    const dir = mkdtempSync(join(tmpdir(), 'cifar-'));
    try {
      const PATH = join(dir, 'cifar_net.safetensors');
      save(net.stateDict(), PATH); // torch.save(net.state_dict(), PATH)
      const net2 = new Net();
      net2.loadStateDict(load(PATH)); // net.load_state_dict(torch.load(PATH))
      let correct = 0;
      let total = 0;
      const classes = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
      const correctPred: Record<string, number> = Object.fromEntries(classes.map((c) => [c, 0]));
      noGrad(() => {
        for (const [images, labels] of trainloader) {
          const outputs = net2.call(images);
          const { indices: predicted } = max(outputs, 1);
          total += labels.size(0);
          correct += predicted.eq(labels).sum().item();
          // for label, prediction in zip(labels, predictions): tensors are not iterable here, unbind(0) is
          const predictions = unbind(predicted);
          unbind(labels).forEach((label, j) => {
            if (label.item() === predictions[j].item()) correctPred[classes[label.item()]] += 1;
          });
        }
      });
      expect(Object.values(correctPred).reduce((a, b) => a + b, 0)).toBe(correct);
      expect(total).toBe(4);
      expect(correct).toBe(noGrad(() => net.call(input).argmax(1).eq(labels).sum().item()));
      expectClose(net2.call(input), net.call(input), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('blitz: neural networks (LeNet)', () => {
  class LeNet extends nn.Module {
    conv1 = new nn.Conv2d(1, 6, 5);
    conv2 = new nn.Conv2d(6, 16, 5);
    fc1 = new nn.Linear(16 * 5 * 5, 120);
    fc2 = new nn.Linear(120, 84);
    fc3 = new nn.Linear(84, 10);
    forward(x: Tensor): Tensor {
      x = F.maxPool2d(F.relu(this.conv1.call(x)), [2, 2]); // Max pooling over a (2, 2) window
      x = F.maxPool2d(F.relu(this.conv2.call(x)), 2);      // a square window: one number
      x = flatten(x, 1);
      x = F.relu(this.fc1.call(x));
      x = F.relu(this.fc2.call(x));
      return this.fc3.call(x);
    }
  }

  it('parameters, backward with a gradient, MSELoss, the manual and the optim update', () => {
    const net = new LeNet();
    const params = Array.from(net.parameters());
    expect(params.length).toBe(10);
    expect(params[0].size()).toEqual([6, 1, 5, 5]); // conv1's .weight
    const input = randn([1, 1, 32, 32]);
    const out = net.call(input);
    expect(out.shape).toEqual([1, 10]);
    net.zeroGrad();
    out.backward(randn([1, 10]));
    expect(net.conv1.bias!.grad!.shape).toEqual([6]);

    const output = net.call(input);
    let target = randn([10]); // a dummy target, for example
    target = target.view(1, -1); // make it the same shape as output
    const criterion = new nn.MSELoss();
    const loss = criterion.call(output, target);
    expect(loss.toString()).toContain('grad_fn=<MseLossBackward0>');
    net.zeroGrad();
    loss.backward();
    const learningRate = 0.01;
    const before = net.fc3.bias!.clone();
    const g = net.fc3.bias!.grad!.clone();
    for (const f of net.parameters()) f.data.sub_(f.grad!.data.mul(learningRate));
    expectClose(net.fc3.bias!, before.sub(g.mul(learningRate)), 1e-6);

    const optimizer = new optim.SGD(net.parameters(), { lr: 0.01 });
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) {
      optimizer.zeroGrad(); // zero the gradient buffers
      const loss = criterion.call(net.call(input), target);
      loss.backward();
      optimizer.step(); // Does the update
      losses.push(loss.item());
    }
    expect(losses[59]).toBeLessThan(losses[0] / 2);
  });
});
