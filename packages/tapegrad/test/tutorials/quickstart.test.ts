/**
 * "Build the neural network", "Datasets & DataLoaders" and "Optimizing model parameters" ported line by line
 * on 6x6 images and 4 classes (the tutorials: 28x28, 512 hidden units, 10 classes). Weights and images are
 * PyTorch 1.13's (fixtures/pytorch/tutorials/quickstart.json); the forward pass, softmax, argmax, one epoch of
 * SGD without shuffling and the test loop's loss and accuracy are compared with it.
 */
import { nn, optim, data, tensor, zeros, rand, noGrad, manualSeed, Tensor } from 'tapegrad';
import { fixture, stateDict, toTensor, expectClose, Ref } from './fixtures';

interface Fx {
  init: Record<string, Ref>; X: Ref; logits: Ref; probab: Ref; yPred: number[]; images: Ref; targets: number[];
  losses: number[]; testLoss: number; correct: number; after: Record<string, Ref>;
}
const fx = fixture<Fx>('quickstart');

class NeuralNetwork extends nn.Module {
  flatten = new nn.Flatten();
  linear_relu_stack = new nn.Sequential(
    new nn.Linear(6 * 6, 16),
    new nn.ReLU(),
    new nn.Linear(16, 16),
    new nn.ReLU(),
    new nn.Linear(16, 4),
  );

  forward(x: Tensor): Tensor {
    x = this.flatten.call(x);
    const logits = this.linear_relu_stack.call(x);
    return logits;
  }
}

function trainLoop(dataloader: data.DataLoader<[Tensor, Tensor]>, model: nn.Module, lossFn: nn.CrossEntropyLoss, optimizer: optim.Optimizer): number[] {
  const size = dataloader.dataset.length;
  const losses: number[] = [];
  model.train();
  let batch = 0;
  for (const [X, y] of dataloader) {
    const pred = model.call(X) as Tensor;
    const loss = lossFn.call(pred, y);
    loss.backward();
    optimizer.step();
    optimizer.zeroGrad();
    const current = (batch + 1) * X.length; // len(X)
    expect(current).toBeLessThanOrEqual(size);
    losses.push(loss.item());
    batch++;
  }
  return losses;
}

function testLoop(dataloader: data.DataLoader<[Tensor, Tensor]>, model: nn.Module, lossFn: nn.CrossEntropyLoss): { testLoss: number; correct: number } {
  model.eval();
  const size = dataloader.dataset.length;
  const numBatches = dataloader.length;
  let testLoss = 0, correct = 0;
  noGrad(() => {
    for (const [X, y] of dataloader) {
      const pred = model.call(X) as Tensor;
      testLoss += lossFn.call(pred, y).item();
      correct += pred.argmax(1).eq(y).type('float32').sum().item();
    }
  });
  testLoss /= numBatches;
  correct /= size;
  return { testLoss, correct };
}

describe('Build the neural network', () => {
  it('Flatten, Sequential, Softmax(dim=1), argmax on PyTorch\'s weights', () => {
    const model = new NeuralNetwork();
    expect(Object.keys(model.stateDict())).toEqual(Object.keys(fx.init));
    model.loadStateDict(stateDict(fx.init));
    const X = toTensor(fx.X);
    const logits = model.call(X);
    expectClose(logits, fx.logits, 1e-5);
    const predProbab = new nn.Softmax({ dim: 1 }).call(logits);
    expectClose(predProbab, fx.probab, 1e-5);
    expectClose(new nn.Softmax(1).call(logits), fx.probab, 1e-5);
    const yPred = predProbab.argmax(1);
    expect(yPred.toArray()).toEqual(fx.yPred);
  });

  it('the layers one by one, and named parameters', () => {
    const inputImage = rand([3, 6, 6]);
    const flatten = new nn.Flatten();
    const flatImage = flatten.call(inputImage);
    expect(flatImage.size()).toEqual([3, 36]);
    const layer1 = new nn.Linear(36, 20); // nn.Linear(in_features=28*28, out_features=20)
    let hidden1 = layer1.call(flatImage);
    expect(hidden1.size()).toEqual([3, 20]);
    hidden1 = new nn.ReLU().call(hidden1);
    expect(hidden1.min().item()).toBeGreaterThanOrEqual(0);
    const seqModules = new nn.Sequential(flatten, layer1, new nn.ReLU(), new nn.Linear(20, 10));
    const logits = seqModules.call(rand([3, 6, 6]));
    expect(logits.shape).toEqual([3, 10]);
    const model = new NeuralNetwork();
    const names: string[] = [];
    for (const [name, param] of model.namedParameters()) {
      names.push(`${name} | ${param.size().join('x')}`);
      expect(param.narrow(0, 0, 2).shape[0]).toBe(2); // param[:2]
    }
    expect(names).toEqual([
      'linear_relu_stack.0.weight | 16x36', 'linear_relu_stack.0.bias | 16', 'linear_relu_stack.2.weight | 16x16',
      'linear_relu_stack.2.bias | 16', 'linear_relu_stack.4.weight | 4x16', 'linear_relu_stack.4.bias | 4',
    ]);
  });
});

describe('Optimizing model parameters', () => {
  const images = toTensor(fx.images);
  const targets = tensor(fx.targets, { dtype: 'int32' });

  it('one epoch of train_loop and the test_loop, as PyTorch', () => {
    const model = new NeuralNetwork();
    model.loadStateDict(stateDict(fx.init));
    const ds = new data.TensorDataset(images, targets);
    const loader = new data.DataLoader(ds, { batchSize: 4 });
    const lossFn = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.5 });
    expectClose(trainLoop(loader, model, lossFn, optimizer), fx.losses, 1e-5);
    for (const [k, v] of Object.entries(model.stateDict())) expectClose(v, fx.after[k], 1e-5);
    const { testLoss, correct } = testLoop(loader, model, lossFn);
    expectClose(testLoss, fx.testLoss, 1e-5);
    expect(correct).toBeCloseTo(fx.correct, 10);
  });

  it('transforms: the one-hot target_transform Lambda', () => {
    // Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1))
    const targetTransform = (y: number): Tensor => zeros(10, { dtype: 'float32' }).scatter_(0, tensor(y, { dtype: 'int32' }), 1);
    expect(targetTransform(3).toArray()).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(targetTransform(9).argmax().item()).toBe(9);
  });

  it('a custom Dataset, a shuffling DataLoader, and epochs until the loss falls', () => {
    class CustomImageDataset extends data.Dataset<[Tensor, Tensor]> {
      constructor(private readonly imgs: Tensor, private readonly labels: number[]) { super(); }
      get length(): number { return this.labels.length; } // __len__
      getItem(idx: number): [Tensor, Tensor] { // __getitem__
        const image = this.imgs.select(0, idx);
        const label = tensor(this.labels[idx], { dtype: 'int32' });
        return [image, label];
      }
    }
    manualSeed(0);
    const trainingData = new CustomImageDataset(images, fx.targets);
    const trainDataloader = new data.DataLoader(trainingData, { batchSize: 4, shuffle: true });
    const [trainFeatures, trainLabels] = trainDataloader[Symbol.iterator]().next().value!;
    expect([trainFeatures.size(), trainLabels.size(), trainLabels.dtype]).toEqual([[4, 6, 6], [4], 'int32']);
    const model = new NeuralNetwork();
    model.loadStateDict(stateDict(fx.init));
    const lossFn = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const first = testLoop(trainDataloader, model, lossFn).testLoss;
    for (let t = 0; t < 150; t++) trainLoop(trainDataloader, model, lossFn, optimizer);
    const last = testLoop(trainDataloader, model, lossFn);
    expect(last.testLoss).toBeLessThan(first / 4);
    expect(last.correct).toBe(1);
  });
});
