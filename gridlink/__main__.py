from gridlink.cli import main

main()
