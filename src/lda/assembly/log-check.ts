// Math.log over an array in place: the test lda-native-log compares the native kernel's copy of this log
// (src/lda/native/log.h) with it bit for bit.
export function mathLogs(values: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = values + (<usize>i << 3);
    store<f64>(at, Math.log(load<f64>(at)));
  }
}
