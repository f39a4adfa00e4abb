from generator.cli import main

if __name__ == "__main__":  # a spawned worker imports this module too (as __mp_main__): it must not build
    raise SystemExit(main())
