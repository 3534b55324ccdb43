package main

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

func main() {
	// goroutines: a parallel sum
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			s := 0
			for i := 0; i < 100000; i++ {
				s += i % (n + 1)
			}
			mu.Lock()
			total += s
			mu.Unlock()
		}(g)
	}
	wg.Wait()
	fmt.Println("sum", total)
	// channels and timers
	ch := make(chan int)
	go func() {
		time.Sleep(20 * time.Millisecond)
		ch <- 7
	}()
	fmt.Println("got", <-ch)
	// catching SIGINT sent to ourselves
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT)
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case s := <-sigs:
		fmt.Println("caught", s)
	case <-time.After(5 * time.Second):
		fmt.Println("no signal")
		os.Exit(1)
	}
}
