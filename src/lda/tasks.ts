/** The units of parallel work, executed identically in the main thread or in a worker. */
import { EmKernel, type EmArrays, type EmConfig } from './em-kernel.js';
import { EmWasmKernel, type EmWasmInit } from './em-wasm.js';
import { OnlineKernel, type OnlineArrays, type OnlineConfig, type EStepResult } from './online-kernel.js';
import { OnlineWasmKernel, type OnlineWasmInit } from './online-wasm.js';
import { touchPages, type PageRange } from './prefault.js';
import { mark } from './trace.js';

export type KernelInit =
  | { kind: 'em'; config: EmConfig; arrays: EmArrays; wasm?: undefined }
  | { kind: 'em'; config: EmConfig; wasm: EmWasmInit; arrays?: undefined }
  | { kind: 'online'; arrays: OnlineArrays; config: OnlineConfig; wasm?: OnlineWasmInit };

export type Task =
  | { op: 'emInit'; block: number; from: number; to: number }
  | { op: 'emIterate'; block: number; from: number; to: number; likelihood: boolean }
  | { op: 'emTheta'; block: number; from: number; to: number; out?: Float64Array }
  | { op: 'touch'; pages: PageRange[] }
  | { op: 'updateLambda'; wordBlock: number; from: number; to: number; rho: number; eta: number; scale: number }
  | { op: 'sumLambda'; wordBlock: number; from: number; to: number }
  | { op: 'expElogbeta'; from: number; to: number }
  | { op: 'train'; block: number; from: number; to: number; step: number; likelihood: boolean }
  | { op: 'theta'; block: number; from: number; to: number };

export type TaskResult = number | EStepResult | null;

export type TaskRunner = (task: Task) => TaskResult;

export function createRunner(init: KernelInit): TaskRunner {
  if (init.kind === 'em') {
    const js = init.wasm ? undefined : new EmKernel(init.arrays, init.config);
    const wasm = init.wasm ? new EmWasmKernel(init.wasm, init.config) : undefined;
    return (task) => {
      mark('start ' + task.op);
      const r = runEm(task);
      mark('end ' + task.op);
      return r;
    };
    function runEm(task: Task): TaskResult {
      if (task.op === 'touch') {
        touchPages(task.pages);
        return null;
      }
      if (task.op === 'emInit') {
        if (wasm) wasm.initBlock(task.block);
        else js!.initBlock(task.block, task.from, task.to);
        return null;
      }
      if (task.op === 'emTheta' && wasm) {
        wasm.thetaBlock(task.block, task.from, task.to, task.out);
        return null;
      }
      if (task.op !== 'emIterate') throw new Error(`LDA: task ${task.op} is not an em task`);
      return wasm ? wasm.iterateBlock(task.block, task.likelihood) : js!.iterateBlock(task.block, task.from, task.to, task.likelihood);
    }
  }
  const kernel = init.wasm ? new OnlineWasmKernel(init.arrays, init.config, init.wasm) : new OnlineKernel(init.arrays, init.config);
  return (task) => {
    switch (task.op) {
      case 'updateLambda':
        kernel.updateLambda(task.wordBlock, task.from, task.to, task.rho, task.eta, task.scale);
        return null;
      case 'sumLambda':
        kernel.sumLambda(task.wordBlock, task.from, task.to);
        return null;
      case 'expElogbeta':
        kernel.expElogbetaRange(task.from, task.to);
        return null;
      case 'train':
        return kernel.trainBlock(task.block, task.from, task.to, task.step, task.likelihood);
      case 'theta':
        return kernel.thetaBlock(task.from, task.to, task.block);
      default:
        throw new Error(`LDA: task ${task.op} is not an online task`);
    }
  };
}
