from emulate.cli import main

main()
